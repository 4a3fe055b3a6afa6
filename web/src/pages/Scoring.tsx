import { useContext, useEffect, useState } from "react";
import { ApiError, api, type User } from "../api";
import { Link, Navigate } from "../nav";

export interface Model {
	id: string;
	name: string;
	status: "draft" | "published" | "archived";
	version: number | null;
	active: boolean;
	updatedAt?: string;
}
export interface Sentence {
	section: string;
	id: string;
	text: string;
}

export const SECTIONS: Array<[string, string]> = [
	["fit", "Fit: who the lead is"],
	["engagement", "Engagement: what the lead does"],
	["bands", "Bands"],
	["qualification", "When a lead qualifies"],
	["hand-raiser", "Hand-raisers"],
	["disqualifier", "Disqualifiers"],
];

export const canEditModels = (user: User) => user.role === "admin" || user.role === "marketing";

/** A model's rules as sentences, grouped by section. */
export function Sentences({ sentences }: { sentences: Sentence[] }) {
	return (
		<>
			{SECTIONS.map(([section, title]) => {
				const rows = sentences.filter((s) => s.section === section);
				if (rows.length === 0) return null;
				return (
					<section key={section}>
						<h2>{title}</h2>
						<ul className="sentences">
							{rows.map((s) => (
								<li key={`${section}-${s.id}`} data-rule={s.id}>
									{s.text}
								</li>
							))}
						</ul>
					</section>
				);
			})}
		</>
	);
}

/** The active scoring model read as sentences, and the drafts and older versions beside it. */
export function Scoring({ user }: { user: User }) {
	const navigate = useContext(Navigate);
	const [models, setModels] = useState<Model[] | null>(null);
	const [sentences, setSentences] = useState<Sentence[]>([]);
	const [error, setError] = useState<string | null>(null);
	useEffect(() => {
		api<{ data: Model[] }>("GET", "/v1/scoring-models")
			.then(async ({ data }) => {
				setModels(data);
				const active = data.find((m) => m.active);
				if (active)
					setSentences((await api<{ data: Sentence[] }>("GET", `/v1/scoring-models/${active.id}/sentences`)).data);
			})
			.catch((e: Error) => setError(e.message));
	}, []);
	async function newDraft(basedOn: string) {
		try {
			const draft = await api<Model>("POST", "/v1/scoring-models", { basedOn });
			navigate(`/scoring/${draft.id}`);
		} catch (e) {
			setError(e instanceof ApiError ? e.message : "The draft could not be made.");
		}
	}
	if (!models) return error ? <p role="alert">{error}</p> : <p className="loading">Loading…</p>;
	const active = models.find((m) => m.active);
	const drafts = models.filter((m) => m.status === "draft");
	const history = models.filter((m) => m.status !== "draft" && !m.active);
	return (
		<div className="scoring-page">
			<article className="scoring">
				{error && <p role="alert">{error}</p>}
				{active ? (
					<>
						<div className="title-row">
							<h1>
								Scoring: {active.name} <span className="sub">(version {active.version}, active)</span>
							</h1>
							{canEditModels(user) && (
								<button type="button" onClick={() => newDraft(active.id)}>
									New draft from this model
								</button>
							)}
						</div>
						<Sentences sentences={sentences} />
					</>
				) : (
					<h1>No model is published</h1>
				)}
			</article>
			<aside className="models" aria-label="Other models">
				<h2>Drafts</h2>
				{drafts.length === 0 ? (
					<p className="sub">None. {canEditModels(user) ? "Start one from the active model." : ""}</p>
				) : (
					<ul>
						{drafts.map((m) => (
							<li key={m.id}>
								<Link to={`/scoring/${m.id}`}>{m.name}</Link>
							</li>
						))}
					</ul>
				)}
				<h2>Earlier versions</h2>
				{history.length === 0 ? (
					<p className="sub">None yet.</p>
				) : (
					<ul>
						{history.map((m) => (
							<li key={m.id}>
								<Link to={`/scoring/${m.id}`}>
									v{m.version} {m.name}
								</Link>{" "}
								<span className="sub">{m.status}</span>
							</li>
						))}
					</ul>
				)}
			</aside>
		</div>
	);
}
