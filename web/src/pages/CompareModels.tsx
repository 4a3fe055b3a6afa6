import { useEffect, useState } from "react";
import type { ModelSentence, ScoringModel } from "../../../src/schemas/scoring-model";
import { request } from "../api";
import { ErrorNote, failure } from "../forms";
import { Link } from "../nav";
import { SECTIONS } from "./Scoring";

type Change = "added" | "removed" | "changed" | "same";
interface Row {
	section: string;
	id: string;
	from: string | null;
	to: string | null;
	change: Change;
}

/** Rule by rule, what differs between two models: rules added, removed, and changed. */
export function rowsOf(from: ModelSentence[], to: ModelSentence[]): Row[] {
	const key = (s: ModelSentence) => `${s.section}/${s.id}`;
	const before = new Map(from.map((s) => [key(s), s]));
	const after = new Map(to.map((s) => [key(s), s]));
	const keys = [...new Set([...before.keys(), ...after.keys()])];
	return keys.map((k) => {
		const a = before.get(k);
		const b = after.get(k);
		const change: Change = !a ? "added" : !b ? "removed" : a.text === b.text ? "same" : "changed";
		return {
			section: (a ?? b)?.section ?? "",
			id: (a ?? b)?.id ?? k,
			from: a?.text ?? null,
			to: b?.text ?? null,
			change,
		};
	});
}

/** Two models side by side, rule by rule. */
export function CompareModels({ fromId, toId }: { fromId: string; toId: string }) {
	const [models, setModels] = useState<[ScoringModel, ScoringModel] | null>(null);
	const [rows, setRows] = useState<Row[]>([]);
	const [error, setError] = useState<string | null>(null);
	const [all, setAll] = useState(false);
	useEffect(() => {
		const load = (id: string) =>
			Promise.all([
				request("GET /v1/scoring-models/:id", { params: { id } }),
				request("GET /v1/scoring-models/:id/sentences", { params: { id } }),
			]);
		Promise.all([load(fromId), load(toId)]).then(
			([[a, sa], [b, sb]]) => {
				setModels([a, b]);
				setRows(rowsOf(sa.data, sb.data));
			},
			(e) => setError(failure(e)),
		);
	}, [fromId, toId]);
	if (error) return <ErrorNote text={error} />;
	if (!models) return <p className="loading">Loading…</p>;
	const label = (m: ScoringModel) => `${m.version ? `v${m.version} ` : ""}${m.name} (${m.status})`;
	const changed = rows.filter((r) => r.change !== "same");
	return (
		<article className="compare">
			<p>
				<Link to="/scoring">← Scoring</Link>
			</p>
			<h1>
				{label(models[0])} → {label(models[1])}
			</h1>
			<p className="sub">
				{changed.length === 0 ? "The rules are the same." : `${changed.length} of ${rows.length} rules differ.`}{" "}
				<label>
					<input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> show unchanged rules too
				</label>
			</p>
			{SECTIONS.map(([section, title]) => {
				const shown = rows.filter((r) => r.section === section && (all || r.change !== "same"));
				if (shown.length === 0) return null;
				return (
					<section key={section}>
						<h2>{title}</h2>
						<table className="compare-table">
							<thead>
								<tr>
									<th scope="col">Rule</th>
									<th scope="col">{label(models[0])}</th>
									<th scope="col">{label(models[1])}</th>
								</tr>
							</thead>
							<tbody>
								{shown.map((r) => (
									<tr key={`${r.section}/${r.id}`} className={r.change} data-change={r.change}>
										<th scope="row">
											{r.id} <span className="sub">{r.change}</span>
										</th>
										<td>{r.from ?? "—"}</td>
										<td>{r.to ?? "—"}</td>
									</tr>
								))}
							</tbody>
						</table>
					</section>
				);
			})}
		</article>
	);
}
