import { type FormEvent, useState } from "react";
import type { ConsentStatus } from "../../../src/schemas/leads";
import { request } from "../api";
import { ErrorNote, failure } from "../forms";

const FIELDS: Array<[string, string]> = [
	["firstName", "First name"],
	["lastName", "Last name"],
	["title", "Title"],
	["company", "Company"],
	["industry", "Industry"],
	["companySize", "Company size"],
	["country", "Country"],
	["phone", "Phone"],
];
const CONSENT = ["subscribed", "pending", "unsubscribed", "bounced"];

/** Corrects a lead's profile and records a consent change by hand; the score follows at once. */
export function ProfileEdit({
	id,
	traits,
	consent,
	onSaved,
}: {
	id: string;
	traits: Record<string, unknown>;
	consent: string;
	onSaved: () => void;
}) {
	const [open, setOpen] = useState(false);
	const [values, setValues] = useState<Record<string, string>>({});
	const [status, setStatus] = useState(consent);
	const [error, setError] = useState<string | null>(null);
	const [saved, setSaved] = useState(false);
	// The form starts from the profile as it is when opened, never from an earlier copy: a
	// second edit must not send back what the first one changed.
	const start = () => {
		setValues(
			Object.fromEntries(FIELDS.map(([key]) => [key, typeof traits[key] === "string" ? (traits[key] as string) : ""])),
		);
		setStatus(consent);
		setError(null);
		setSaved(false);
		setOpen(true);
	};
	if (!open)
		return (
			<p>
				<button type="button" className="quiet small" onClick={start}>
					Edit profile
				</button>{" "}
				{saved && <output className="status">Profile saved; the score follows it.</output>}
			</p>
		);
	async function save(event: FormEvent) {
		event.preventDefault();
		setError(null);
		// an emptied field removes the trait
		const changed = Object.fromEntries(
			FIELDS.flatMap(([key]) => {
				const before = typeof traits[key] === "string" ? traits[key] : "";
				const after = values[key]?.trim() ?? "";
				return after === before ? [] : [[key, after === "" ? null : after]];
			}),
		);
		try {
			await request("PATCH /v1/leads/:id", {
				params: { id },
				body: {
					...(Object.keys(changed).length ? { traits: changed } : {}),
					...(status !== consent ? { consent: { status: status as ConsentStatus, source: "web app" } } : {}),
				},
			});
			setOpen(false);
			setSaved(true);
			onSaved();
		} catch (e) {
			setError(failure(e));
		}
	}
	return (
		<form className="inline-form" aria-label="Edit profile" onSubmit={save}>
			{FIELDS.map(([key, label]) => (
				<label key={key}>
					{label}{" "}
					<input
						value={values[key] ?? ""}
						onChange={(e) => setValues((v) => ({ ...v, [key]: e.target.value }))}
						size={16}
					/>
				</label>
			))}
			<label>
				Consent{" "}
				<select value={status} onChange={(e) => setStatus(e.target.value)}>
					{CONSENT.map((c) => (
						<option key={c} value={c}>
							{c}
						</option>
					))}
				</select>
			</label>
			<button type="submit">Save profile</button>
			<button type="button" className="quiet" onClick={() => setOpen(false)}>
				Cancel
			</button>
			<ErrorNote text={error} />
		</form>
	);
}
