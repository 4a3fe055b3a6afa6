import { useContext, useEffect, useState } from "react";
import type { ScoringModel as Model, ModelSentence as Sentence } from "../../../src/schemas/scoring-model";
import { request, type User } from "../api";
import { ErrorNote, failure, OutcomeNote, useOutcome } from "../forms";
import { Link, Navigate } from "../nav";

export type { Model, Sentence };

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
export function Scoring({ user, published = null }: { user: User; published?: string | null }) {
	const navigate = useContext(Navigate);
	const [models, setModels] = useState<Model[] | null>(null);
	const [sentences, setSentences] = useState<Sentence[]>([]);
	const [error, setError] = useState<string | null>(null);
	const [version, setVersion] = useState(0);
	const deleted = useOutcome();
	useEffect(() => {
		void version;
		request("GET /v1/scoring-models")
			.then(async ({ data }) => {
				setModels(data);
				const active = data.find((m) => m.active);
				if (active)
					setSentences((await request("GET /v1/scoring-models/:id/sentences", { params: { id: active.id } })).data);
			})
			.catch((e) => setError(failure(e)));
	}, [version]);
	async function newDraft(basedOn: string) {
		try {
			const draft = await request("POST /v1/scoring-models", { body: { basedOn } });
			navigate(`/scoring/${draft.id}`);
		} catch (e) {
			setError(failure(e));
		}
	}
	async function deleteDraft(model: Model) {
		if (!window.confirm(`Delete the draft “${model.name}”? Its edits are lost.`)) return;
		await deleted.run(
			() => request("DELETE /v1/scoring-models/:id", { params: { id: model.id } }),
			`Deleted “${model.name}”.`,
		);
		setVersion((v) => v + 1);
	}
	if (!models) return error ? <p role="alert">{error}</p> : <p className="loading">Loading…</p>;
	const active = models.find((m) => m.active);
	const drafts = models.filter((m) => m.status === "draft");
	const history = models.filter((m) => m.status !== "draft" && !m.active);
	return (
		<div className="scoring-page">
			<article className="scoring">
				{published && (
					<output className="status">
						Published version {published}: it scores new events now, and every lead is being rescored under it.
					</output>
				)}
				<ErrorNote text={error} />
				{active ? (
					<>
						<div className="title-row">
							<h1>
								Scoring: {active.name}{" "}
								<span className="sub">
									(version {active.version}, active
									{active.publishedBy ? `, published by ${active.publishedBy}` : ""}
									{active.publishedAt ? ` on ${new Date(active.publishedAt).toLocaleDateString()}` : ""})
								</span>
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
								<Link to={`/scoring/${m.id}`}>{m.name}</Link>{" "}
								{canEditModels(user) && (
									<button type="button" className="quiet small" onClick={() => deleteDraft(m)}>
										Delete
									</button>
								)}
							</li>
						))}
					</ul>
				)}
				<OutcomeNote outcome={deleted.outcome} />
				<h2>Learn from history</h2>
				<p>
					<Link to="/scoring/signals">Which signals convert</Link>
				</p>
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
								<span className="sub">
									{m.status}
									{m.publishedAt ? `, published ${new Date(m.publishedAt).toLocaleDateString()}` : ""}
									{m.publishedBy ? ` by ${m.publishedBy}` : ""}
								</span>{" "}
								{active && (
									<Link className="small" to={`/scoring/compare?from=${m.id}&to=${active.id}`}>
										compare with active
									</Link>
								)}{" "}
								{canEditModels(user) && (
									<button type="button" className="quiet small" onClick={() => newDraft(m.id)}>
										Restore as draft
									</button>
								)}
							</li>
						))}
					</ul>
				)}
			</aside>
		</div>
	);
}
