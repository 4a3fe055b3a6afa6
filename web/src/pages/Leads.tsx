import { useCallback, useEffect, useState } from "react";
import type { Owner } from "../../../src/schemas/handoff";
import type { Lead } from "../../../src/schemas/leads";
import { request } from "../api";
import { ErrorNote, failure } from "../forms";
import { Link } from "../nav";

type LeadRow = Lead;

const STAGES = ["subscriber", "lead", "mql", "sql", "opportunity", "customer", "recycled", "disqualified"];
const SORTS: Array<[string, string]> = [
	["lastSeenAt", "Last seen"],
	["score", "Score (fit + engagement)"],
	["fit", "Fit"],
	["engagement", "Engagement"],
	["createdAt", "Created"],
];
/** The filters the page's address carries, so that any view can be linked to and reloaded. */
const FILTERS = [
	"q",
	"stage",
	"grade",
	"temperature",
	"owner",
	"source",
	"reached",
	"mqlAfter",
	"mqlBefore",
	"firstSeenAfter",
	"firstSeenBefore",
	"handoffAfter",
	"handoffBefore",
	"handoff",
	"trait",
	"did",
	"sort",
] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

const text = (v: unknown) => (typeof v === "string" ? v : "");
const day = (iso: string) => new Date(iso).toLocaleDateString();

function filtersOf(query: URLSearchParams): Filters {
	return Object.fromEntries(FILTERS.flatMap((k) => (query.get(k) ? [[k, query.get(k) as string]] : [])));
}
const encode = (f: Filters) =>
	new URLSearchParams(Object.entries(f).filter(([, v]) => v) as Array<[string, string]>).toString();

/** All leads: search, filters, sort by score, paging, and CSV export of the same selection. */
export function Leads({ query }: { query: URLSearchParams }) {
	const [filters, setFilters] = useState<Filters>(() => filtersOf(query));
	const [rows, setRows] = useState<LeadRow[]>([]);
	const [cursor, setCursor] = useState<string | null>(null);
	const [owners, setOwners] = useState<Owner[]>([]);
	const [loading, setLoading] = useState(true);
	const [error, setError] = useState<string | null>(null);
	const selection = encode(filters);
	const set = (key: keyof Filters, value: string) => setFilters((f) => ({ ...f, [key]: value }));
	useEffect(() => {
		window.history.replaceState(null, "", `/leads${selection ? `?${selection}` : ""}`);
	}, [selection]);
	useEffect(() => {
		request("GET /v1/owners").then(
			(r) => setOwners(r.data),
			() => setOwners([]),
		);
	}, []);
	const load = useCallback(
		async (after: string | null) => {
			setLoading(true);
			const query = Object.fromEntries(new URLSearchParams(selection));
			try {
				const page = await request("GET /v1/leads", {
					query: { ...query, limit: "50", sort: query.sort ?? "lastSeenAt", ...(after ? { cursor: after } : {}) },
				});
				setRows((previous) => (after ? [...previous, ...page.data] : page.data));
				setCursor(page.nextCursor);
				setError(null);
			} catch (e) {
				setError(failure(e));
			}
			setLoading(false);
		},
		[selection],
	);
	useEffect(() => {
		const timer = setTimeout(() => load(null), filters.q ? 250 : 0);
		return () => clearTimeout(timer);
	}, [load, filters.q]);
	const select = (label: string, key: keyof Filters, options: Array<[string, string]>) => (
		<label>
			{label}{" "}
			<select value={filters[key] ?? ""} onChange={(e) => set(key, e.target.value)}>
				<option value="">any</option>
				{options.map(([value, name]) => (
					<option key={value} value={value}>
						{name}
					</option>
				))}
			</select>
		</label>
	);
	const pairs = (values: string[]) => values.map((v) => [v, v] as [string, string]);
	const cohort =
		filters.reached ||
		filters.firstSeenAfter ||
		filters.mqlAfter ||
		filters.handoffAfter ||
		filters.trait ||
		filters.did;
	const until = (before: string) => day(new Date(Date.parse(before) - 1).toISOString());
	const exportQuery = encode({ ...filters, sort: undefined });
	return (
		<section aria-labelledby="leads-title">
			<div className="title-row">
				<h1 id="leads-title">Leads</h1>
				<Link to="/leads/import">Import a CSV…</Link>
			</div>
			<div className="filters">
				<label>
					Search{" "}
					<input
						type="search"
						value={filters.q ?? ""}
						onChange={(e) => set("q", e.target.value)}
						placeholder="e-mail, name, company"
					/>
				</label>
				{select("Stage", "stage", pairs(STAGES))}
				{select("Grade", "grade", pairs(["A", "B", "C", "D"]))}
				{select("Temperature", "temperature", pairs(["hot", "warm", "cold"]))}
				{select("Owner", "owner", [["none", "nobody"], ...owners.map((o) => [o.id, o.name] as [string, string])])}
				<label>
					Source{" "}
					<input
						value={filters.source ?? ""}
						onChange={(e) => set("source", e.target.value.trim().toLowerCase())}
						placeholder="e.g. google, (direct)"
						size={14}
					/>
				</label>
				<label>
					Sort{" "}
					<select value={filters.sort ?? "lastSeenAt"} onChange={(e) => set("sort", e.target.value)}>
						{SORTS.map(([value, name]) => (
							<option key={value} value={value}>
								{name}
							</option>
						))}
					</select>
				</label>
				<a href={`/v1/leads/export.csv${exportQuery ? `?${exportQuery}` : ""}`} download>
					Export CSV
				</a>
			</div>
			{cohort && (
				<p className="chip">
					{filters.reached ? `Reached ${filters.reached} or later` : "All leads"}
					{filters.trait ? `, ${filters.trait.replace("=", " is ")}` : ""}
					{filters.did ? `, who did ${filters.did.replace(/^(track|page):/, "")}` : ""}
					{filters.firstSeenAfter && filters.firstSeenBefore
						? `, first seen ${day(filters.firstSeenAfter)} – ${day(new Date(Date.parse(filters.firstSeenBefore) - 1).toISOString())}`
						: ""}
					{filters.mqlAfter && filters.mqlBefore
						? `, became MQLs ${day(filters.mqlAfter)} – ${until(filters.mqlBefore)}`
						: ""}
					{filters.handoffAfter && filters.handoffBefore
						? `, handed to sales ${day(filters.handoffAfter)} – ${until(filters.handoffBefore)}${filters.handoff ? ` (${filters.handoff})` : ""}`
						: ""}{" "}
					<button
						type="button"
						className="quiet small"
						onClick={() =>
							setFilters((f) => ({
								...f,
								reached: "",
								firstSeenAfter: "",
								firstSeenBefore: "",
								mqlAfter: "",
								mqlBefore: "",
								handoffAfter: "",
								handoffBefore: "",
								handoff: "",
								trait: "",
								did: "",
							}))
						}
					>
						Clear
					</button>
				</p>
			)}
			<ErrorNote text={error} />
			<table className="queue" aria-busy={loading}>
				<thead>
					<tr>
						<th scope="col">Lead</th>
						<th scope="col">Stage</th>
						<th scope="col">Grade</th>
						<th scope="col">Temp.</th>
						<th scope="col" className="num">
							Fit
						</th>
						<th scope="col" className="num">
							Engagement
						</th>
						<th scope="col">Source</th>
						<th scope="col">Owner</th>
						<th scope="col">Last seen</th>
					</tr>
				</thead>
				<tbody>
					{rows.map((l) => (
						<tr key={l.id} data-lead={l.email ?? ""}>
							<td>
								<Link to={`/leads/${l.id}`}>
									{[text(l.traits.firstName), text(l.traits.lastName)].filter(Boolean).join(" ") || l.email || l.id}
								</Link>
								<div className="sub">{[text(l.traits.company), l.email].filter(Boolean).join(" · ")}</div>
							</td>
							<td>{l.stage}</td>
							<td>{l.score?.grade ?? "—"}</td>
							<td>{l.score ? <span className={`temp ${l.score.temperature}`}>{l.score.temperature}</span> : "—"}</td>
							<td className="num">{l.score ? Math.round(l.score.fit) : "—"}</td>
							<td className="num">{l.score ? Math.round(l.score.engagement * 10) / 10 : "—"}</td>
							<td>
								<button type="button" className="link" onClick={() => set("source", l.source ?? "(direct)")}>
									{l.source ?? "(direct)"}
								</button>
							</td>
							<td>{l.ownerId ? (owners.find((o) => o.id === l.ownerId)?.name ?? "—") : "—"}</td>
							<td>{new Date(l.lastSeenAt).toLocaleString()}</td>
						</tr>
					))}
				</tbody>
			</table>
			{!loading && !error && rows.length === 0 && <p className="empty">No lead matches.</p>}
			{cursor && (
				<button type="button" className="quiet" onClick={() => load(cursor)}>
					Load more
				</button>
			)}
			{rows.length > 0 && (
				<p className="sub">
					{rows.length} shown{cursor ? ", more below" : ""}.{" "}
					<button type="button" className="link" onClick={() => setFilters({})}>
						Reset filters
					</button>
				</p>
			)}
		</section>
	);
}
