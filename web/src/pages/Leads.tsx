import { useCallback, useEffect, useState } from "react";
import { api } from "../api";

interface LeadRow {
	id: string;
	email: string | null;
	traits: Record<string, unknown>;
	stage: string;
	lastSeenAt: string;
	score: { grade: string; temperature: string; fit: number; engagement: number; qualified: boolean } | null;
}

const STAGES = ["", "subscriber", "lead", "mql", "sql", "opportunity", "customer", "recycled", "disqualified"];
const text = (v: unknown) => (typeof v === "string" ? v : "");

/** All leads: search, filters by stage, grade and temperature, paging, and CSV export of the same selection. */
export function Leads({ navigate }: { navigate: (to: string) => void }) {
	const [q, setQ] = useState("");
	const [stage, setStage] = useState("");
	const [grade, setGrade] = useState("");
	const [temperature, setTemperature] = useState("");
	const [rows, setRows] = useState<LeadRow[]>([]);
	const [cursor, setCursor] = useState<string | null>(null);
	const filters = new URLSearchParams(
		Object.entries({ q, stage, grade, temperature }).filter(([, v]) => v !== "") as Array<[string, string]>,
	).toString();
	const load = useCallback(
		async (after: string | null) => {
			const page = await api<{ data: LeadRow[]; nextCursor: string | null }>(
				"GET",
				`/v1/leads?limit=50&sort=lastSeenAt&${filters}${after ? `&cursor=${encodeURIComponent(after)}` : ""}`,
			);
			setRows((previous) => (after ? [...previous, ...page.data] : page.data));
			setCursor(page.nextCursor);
		},
		[filters],
	);
	useEffect(() => {
		load(null);
	}, [load]);
	const select = (label: string, value: string, set: (v: string) => void, options: string[]) => (
		<label>
			{label}{" "}
			<select value={value} onChange={(e) => set(e.target.value)}>
				{options.map((o) => (
					<option key={o} value={o}>
						{o === "" ? "any" : o}
					</option>
				))}
			</select>
		</label>
	);
	return (
		<section aria-labelledby="leads-title">
			<h1 id="leads-title">Leads</h1>
			<div className="filters">
				<label>
					Search{" "}
					<input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="e-mail, name, company" />
				</label>
				{select("Stage", stage, setStage, STAGES)}
				{select("Grade", grade, setGrade, ["", "A", "B", "C", "D"])}
				{select("Temperature", temperature, setTemperature, ["", "hot", "warm", "cold"])}
				<a href={`/v1/leads/export.csv?${filters}`} download>
					Export CSV
				</a>
			</div>
			<table className="queue">
				<thead>
					<tr>
						<th scope="col">Lead</th>
						<th scope="col">Stage</th>
						<th scope="col">Grade</th>
						<th scope="col">Temp.</th>
						<th scope="col">Fit</th>
						<th scope="col">Engagement</th>
						<th scope="col">Last seen</th>
					</tr>
				</thead>
				<tbody>
					{rows.map((l) => (
						<tr key={l.id} data-lead={l.email ?? ""}>
							<td>
								<a
									href={`/leads/${l.id}`}
									onClick={(e) => {
										e.preventDefault();
										navigate(`/leads/${l.id}`);
									}}
								>
									{[text(l.traits.firstName), text(l.traits.lastName)].filter(Boolean).join(" ") || l.email || l.id}
								</a>
								<div className="sub">{[text(l.traits.company), l.email].filter(Boolean).join(" · ")}</div>
							</td>
							<td>{l.stage}</td>
							<td>{l.score?.grade ?? "—"}</td>
							<td>{l.score?.temperature ?? "—"}</td>
							<td>{l.score ? Math.round(l.score.fit) : "—"}</td>
							<td>{l.score ? Math.round(l.score.engagement * 10) / 10 : "—"}</td>
							<td>{new Date(l.lastSeenAt).toLocaleString()}</td>
						</tr>
					))}
				</tbody>
			</table>
			{rows.length === 0 && <p className="empty">No lead matches.</p>}
			{cursor && (
				<button type="button" className="quiet" onClick={() => load(cursor)}>
					Load more
				</button>
			)}
		</section>
	);
}
