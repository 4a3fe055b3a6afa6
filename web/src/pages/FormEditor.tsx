import { useContext, useEffect, useState } from "react";
import type { Form, FormField, FormInput } from "../../../src/schemas/forms";
import { request } from "../api";
import { ErrorNote, failure, OutcomeNote, useList, useOutcome } from "../forms";
import { Navigate } from "../nav";
import { REJECTION_WORDS } from "../words";

type Field = Omit<FormField, "maxLength" | "required"> & { required: boolean; maxLength?: number };
const TYPES: Field["type"][] = ["text", "email", "tel", "textarea", "select", "checkbox", "number"];

interface Draft {
	name: string;
	slug: string;
	title: string;
	intro: string;
	submitLabel: string;
	fields: Field[];
	consent: string;
	thanks: string;
	redirect: string;
	magnetTitle: string;
	magnetUrl: string;
	magnetHours: number;
	doubleOptIn: boolean;
	minSeconds: number;
	webinar: string;
	survey: boolean;
	surveyWebinar: string;
}

const STARTER: Draft = {
	name: "",
	slug: "",
	title: "",
	intro: "",
	submitLabel: "Send",
	fields: [
		{ name: "email", label: "Work e-mail", type: "email", required: true },
		{ name: "firstName", label: "First name", type: "text", required: false },
	],
	consent: "",
	thanks: "Thank you.",
	redirect: "",
	magnetTitle: "",
	magnetUrl: "",
	magnetHours: 72,
	doubleOptIn: false,
	minSeconds: 2,
	webinar: "",
	survey: false,
	surveyWebinar: "",
};

function draftOf(f: Form): Draft {
	const d = f.definition;
	return {
		name: f.name,
		slug: f.slug,
		title: d.title,
		intro: d.intro,
		submitLabel: d.submitLabel,
		fields: d.fields,
		consent: d.consent?.text ?? "",
		thanks: "message" in d.thanks ? d.thanks.message : "",
		redirect: "redirect" in d.thanks ? d.thanks.redirect : "",
		magnetTitle: d.leadMagnet?.title ?? "",
		magnetUrl: d.leadMagnet?.url ?? "",
		magnetHours: d.leadMagnet?.expiresHours ?? 72,
		doubleOptIn: d.doubleOptIn,
		minSeconds: d.minSeconds,
		webinar: d.webinar ?? "",
		survey: d.survey !== undefined,
		surveyWebinar: d.survey?.webinar ?? "",
	};
}

function inputOf(d: Draft): FormInput {
	return {
		name: d.name,
		slug: d.slug,
		definition: {
			title: d.title,
			intro: d.intro,
			submitLabel: d.submitLabel,
			fields: d.fields.map((f) => ({
				...f,
				...(f.type === "select" ? {} : { options: undefined, notNowReasons: undefined }),
			})),
			...(d.consent.trim() ? { consent: { text: d.consent } } : {}),
			thanks: d.redirect.trim() ? { redirect: d.redirect.trim() } : { message: d.thanks },
			...(d.magnetUrl.trim()
				? { leadMagnet: { title: d.magnetTitle, url: d.magnetUrl.trim(), expiresHours: d.magnetHours } }
				: {}),
			doubleOptIn: d.doubleOptIn,
			minSeconds: d.minSeconds,
			...(d.webinar ? { webinar: d.webinar } : {}),
			...(d.survey ? { survey: d.surveyWebinar ? { webinar: d.surveyWebinar } : {} } : {}),
		},
	};
}

/** One field of the form: the trait it fills, its label, type and choices. */
function FieldRow({
	field,
	index,
	survey,
	onChange,
	onRemove,
}: {
	field: Field;
	index: number;
	survey: boolean;
	onChange: (f: Field) => void;
	onRemove: () => void;
}) {
	const n = index + 1;
	const reasons = field.notNowReasons;
	return (
		<fieldset className="form-field">
			<legend>Field {n}</legend>
			<label>
				Trait (name)
				<input value={field.name} onChange={(e) => onChange({ ...field, name: e.target.value })} />
			</label>
			<label>
				Label
				<input value={field.label} onChange={(e) => onChange({ ...field, label: e.target.value })} />
			</label>
			<label>
				Type
				<select
					value={field.type}
					onChange={(e) => onChange({ ...field, type: e.target.value as Field["type"] })}
					aria-label={`Type of field ${n}`}
				>
					{TYPES.map((t) => (
						<option key={t}>{t}</option>
					))}
				</select>
			</label>
			<label className="check">
				<input
					type="checkbox"
					checked={field.required}
					onChange={(e) => onChange({ ...field, required: e.target.checked })}
				/>
				Required
			</label>
			{field.type === "select" && (
				<label className="wide">
					Options, one a line
					<textarea
						rows={3}
						value={(field.options ?? []).join("\n")}
						onChange={(e) => onChange({ ...field, options: e.target.value.split("\n").filter((o) => o !== "") })}
					/>
				</label>
			)}
			{field.type === "select" && survey && (
				<div className="wide">
					<label className="check">
						<input
							type="checkbox"
							checked={reasons !== undefined}
							onChange={(e) => onChange({ ...field, notNowReasons: e.target.checked ? {} : undefined })}
						/>
						This asks why not now: each answer means a rejection reason
					</label>
					{reasons &&
						(field.options ?? []).map((option) => (
							<label key={option}>
								“{option}” means
								<select
									value={reasons[option] ?? ""}
									onChange={(e) => {
										const next = { ...reasons };
										if (e.target.value) next[option] = e.target.value as keyof typeof REJECTION_WORDS;
										else delete next[option];
										onChange({ ...field, notNowReasons: next });
									}}
								>
									<option value="">(no reason)</option>
									{Object.entries(REJECTION_WORDS).map(([reason, words]) => (
										<option key={reason} value={reason}>
											{words}
										</option>
									))}
								</select>
							</label>
						))}
				</div>
			)}
			<button type="button" className="quiet" onClick={onRemove} disabled={field.name === "email"}>
				Remove field {n}
			</button>
		</fieldset>
	);
}

/**
 * A form's fields, consent wording, thanks, lead magnet, double opt-in and webinar; once saved,
 * its hosted page as visitors see it and the snippet to paste into a site.
 */
export function FormEditor({ id }: { id?: string }) {
	const navigate = useContext(Navigate);
	const [draft, setDraft] = useState<Draft>(STARTER);
	const [saved, setSaved] = useState<Form | null>(null);
	const [loadError, setLoadError] = useState<string | null>(null);
	const [shown, setShown] = useState(0); // reloads the preview after a save
	const webinars = useList("GET /v1/webinars");
	const { outcome, run } = useOutcome();
	useEffect(() => {
		if (!id) return;
		request("GET /v1/forms/:id", { params: { id } }).then(
			(f) => {
				setSaved(f);
				setDraft(draftOf(f));
			},
			(e) => setLoadError(failure(e)),
		);
	}, [id]);
	const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft({ ...draft, [key]: value });
	const text = (key: "name" | "slug" | "title" | "intro" | "submitLabel" | "consent" | "thanks" | "redirect") => ({
		value: draft[key],
		onChange: (e: { target: { value: string } }) => set(key, e.target.value),
	});
	const save = () =>
		run(async () => {
			const form = saved
				? await request("PUT /v1/forms/:id", { params: { id: saved.id }, body: inputOf(draft) })
				: await request("POST /v1/forms", { body: inputOf(draft) });
			setSaved(form);
			setShown((n) => n + 1);
			if (!saved) navigate(`/forms/${form.id}`);
		}, "Saved.");
	const webinarChoice = (value: string, onChange: (v: string) => void, label: string) => (
		<label>
			{label}
			<select value={value} onChange={(e) => onChange(e.target.value)}>
				<option value="">(none)</option>
				{webinars.rows.map((w) => (
					<option key={w.id} value={w.id}>
						{w.name}
					</option>
				))}
			</select>
		</label>
	);
	return (
		<section aria-labelledby="form-editor-title" className="form-editor">
			<h1 id="form-editor-title">{saved ? saved.name : "New form"}</h1>
			<ErrorNote text={loadError} />
			<form
				onSubmit={(e) => {
					e.preventDefault();
					void save();
				}}
			>
				<div className="grid-2">
					<label>
						Name
						<input {...text("name")} required />
					</label>
					<label>
						Address /f/…
						<input {...text("slug")} required pattern="[a-z0-9][a-z0-9-]*" />
					</label>
					<label>
						Title on the page
						<input {...text("title")} required />
					</label>
					<label>
						Button
						<input {...text("submitLabel")} />
					</label>
				</div>
				<label>
					Introduction
					<textarea rows={2} {...text("intro")} />
				</label>
				<h2>Fields</h2>
				{draft.fields.map((f, i) => (
					<FieldRow
						// biome-ignore lint/suspicious/noArrayIndexKey: fields have no id until named; the order is their identity
						key={i}
						field={f}
						index={i}
						survey={draft.survey}
						onChange={(next) =>
							set(
								"fields",
								draft.fields.map((x, j) => (j === i ? next : x)),
							)
						}
						onRemove={() =>
							set(
								"fields",
								draft.fields.filter((_, j) => j !== i),
							)
						}
					/>
				))}
				<button
					type="button"
					onClick={() => set("fields", [...draft.fields, { name: "", label: "", type: "text", required: false }])}
				>
					Add a field
				</button>
				<h2>After the form</h2>
				<label>
					Consent wording (a checkbox; its wording and time are recorded)
					<textarea rows={2} {...text("consent")} />
				</label>
				<div className="grid-2">
					<label>
						Thank-you message
						<input {...text("thanks")} />
					</label>
					<label>
						Or send people to (https://…)
						<input type="url" {...text("redirect")} />
					</label>
					<label>
						Lead magnet title
						<input value={draft.magnetTitle} onChange={(e) => set("magnetTitle", e.target.value)} />
					</label>
					<label>
						Lead magnet address (https://…)
						<input type="url" value={draft.magnetUrl} onChange={(e) => set("magnetUrl", e.target.value)} />
					</label>
					<label>
						Download link works for (hours)
						<input
							type="number"
							min={1}
							value={draft.magnetHours}
							onChange={(e) => set("magnetHours", Number(e.target.value))}
						/>
					</label>
					<label>
						Fastest a person fills it (seconds)
						<input
							type="number"
							min={0}
							max={60}
							value={draft.minSeconds}
							onChange={(e) => set("minSeconds", Number(e.target.value))}
						/>
					</label>
				</div>
				<label className="check">
					<input type="checkbox" checked={draft.doubleOptIn} onChange={(e) => set("doubleOptIn", e.target.checked)} />
					Double opt-in: e-mail nothing (not even the lead magnet) until the address is confirmed by its owner
				</label>
				<div className="grid-2">
					{webinarChoice(draft.webinar, (v) => set("webinar", v), "Registers for the webinar")}
					<div>
						<label className="check">
							<input type="checkbox" checked={draft.survey} onChange={(e) => set("survey", e.target.checked)} />A
							survey: answers are also recorded as survey_answered
						</label>
						{draft.survey && webinarChoice(draft.surveyWebinar, (v) => set("surveyWebinar", v), "After the webinar")}
					</div>
				</div>
				<button type="submit">Save form</button>
				<OutcomeNote outcome={outcome} />
			</form>
			{saved && (
				<section aria-labelledby="publish-title">
					<h2 id="publish-title">On your site</h2>
					<p>
						Hosted page:{" "}
						<a href={saved.url} target="_blank" rel="noreferrer">
							{saved.url}
						</a>
					</p>
					<label>
						Paste into a page of yours
						<textarea readOnly rows={2} value={saved.embed} onFocus={(e) => e.target.select()} />
					</label>
					<iframe
						key={shown}
						title="The form as visitors see it"
						className="form-preview"
						src={`/f/${saved.slug}?preview=1`}
						sandbox=""
					/>
				</section>
			)}
		</section>
	);
}
