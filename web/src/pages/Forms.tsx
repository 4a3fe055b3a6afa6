import { useEffect, useState } from "react";
import type { FormResults } from "../../../src/schemas/forms";
import type { User } from "../api";
import { request } from "../api";
import { ErrorNote, useList } from "../forms";
import { Link } from "../nav";

const percent = (r: number | null) => (r === null ? "—" : `${(r * 100).toFixed(1)}%`);

/** Hosted forms with what each brought: views, starts, submissions, confirmations, MQLs and SQLs. */
export function Forms({ user }: { user: User }) {
	const forms = useList("GET /v1/forms");
	const [results, setResults] = useState<Record<string, FormResults>>({});
	useEffect(() => {
		let current = true;
		Promise.all(
			forms.rows.map((f) =>
				request("GET /v1/forms/:id/results", { params: { id: f.id } }).then((r) => [f.id, r] as const),
			),
		).then(
			(pairs) => current && setResults(Object.fromEntries(pairs)),
			() => {},
		);
		return () => {
			current = false;
		};
	}, [forms.rows]);
	const writes = user.role !== "sales";
	return (
		<section aria-labelledby="forms-title">
			<div className="title-row">
				<h1 id="forms-title">Forms</h1>
				{writes && <Link to="/forms/new">New form…</Link>}
			</div>
			<p className="hint">
				Sign-up forms hosted by Qualify: each submission identifies the lead, joins what it did before it gave its
				address, and can send what the form offers. They work without JavaScript and embed in any page.
			</p>
			<ErrorNote text={forms.error} />
			<table className="queue form-results">
				<thead>
					<tr>
						<th scope="col">Form</th>
						{["Views", "Starts", "Submissions", "Confirmed", "Conversion", "MQL", "SQL"].map((h) => (
							<th key={h} scope="col" className="num">
								{h}
							</th>
						))}
					</tr>
				</thead>
				<tbody>
					{forms.rows.map((f) => {
						const r = results[f.id];
						const cell = (label: string, value: string | number | undefined) => (
							<td className="num" data-label={label}>
								{value === undefined ? "…" : typeof value === "number" ? value.toLocaleString() : value}
							</td>
						);
						return (
							<tr key={f.id} data-form={f.slug}>
								<td data-label="Form">
									<Link to={`/forms/${f.id}`}>{f.name}</Link>
									<div className="hint">
										<a href={f.url} target="_blank" rel="noreferrer">
											/f/{f.slug}
										</a>
									</div>
								</td>
								{cell("Views", r?.views)}
								{cell("Starts", r?.starts)}
								{cell("Submissions", r?.submissions)}
								{cell("Confirmed", f.definition.doubleOptIn ? r?.confirmed : "—")}
								{cell("Conversion", r ? percent(r.conversion) : undefined)}
								{cell("MQL", r?.mql)}
								{cell("SQL", r?.sql)}
							</tr>
						);
					})}
				</tbody>
			</table>
			{forms.rows.length === 0 && !forms.error && <p className="empty">No forms yet.</p>}
		</section>
	);
}
