import { useCallback, useEffect, useState } from "react";
import type { Owner } from "../../../src/schemas/handoff";
import type { Lead } from "../../../src/schemas/leads";
import type { Segment } from "../../../src/schemas/segments";
import { request, type User } from "../api";
import { ErrorNote, failure, OutcomeNote, useOutcome } from "../forms";
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
	"segment",
	"account",
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
export function Leads({ query, user }: { query: URLSearchParams; user: User }) {
	const [filters, setFilters] = useState<Filters>(() => filtersOf(query));
	const [rows, setRows] = useState<LeadRow[]>([]);
	const [cursor, setCursor] = useState<string | null>(null);
	const [owners, setOwners] = useState<Owner[]>([]);
	const [loading, setLoading] = useState(true);
	const [error, setError] = useState<string | null>(null);
	const [segments, setSegments] = useState<Segment[]>([]);
	const [picked, setPicked] = useState<Set<string>>(new Set());
	const [accountName, setAccountName] = useState<string | null>(null);
	useEffect(() => {
		if (filters.account)
			request("GET /v1/accounts/:id", { params: { id: filters.account } }).then(
				(a) => setAccountName(a.name ?? a.domain ?? a.groupId),
				() => setAccountName(null),
			);
	}, [filters.account]);
	const selection = encode(filters);
	const set = (key: keyof Filters, value: string) => setFilters((f) => ({ ...f, [key]: value }));
	useEffect(() => {
		request("GET /v1/segments").then(
			(r) => setSegments(r.data),
			() => setSegments([]),
		);
	}, []);
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
				// a fresh list keeps only the picks it still shows: a box ticked while it loaded stays ticked
				if (!after) {
					const shown = new Set(page.data.map((l) => l.id));
					setPicked((p) => new Set([...p].filter((id) => shown.has(id))));
				}
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
		filters.did ||
		filters.segment ||
		filters.account;
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
				{select(
					"Segment",
					"segment",
					segments.map((g) => [g.id, g.kind === "static" ? `${g.name} (list)` : g.name] as [string, string]),
				)}
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
					{filters.segment ? `, in ${segments.find((g) => g.id === filters.segment)?.name ?? "a segment"}` : ""}
					{filters.account ? `, of ${accountName ?? "one company"}` : ""}
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
								segment: "",
								account: "",
							}))
						}
					>
						Clear
					</button>
				</p>
			)}
			<ErrorNote text={error} />
			{user.role !== "sales" && (
				<ListActions
					picked={[...picked]}
					filters={filters}
					lists={segments.filter((g) => g.kind === "static")}
					onChanged={() => {
						request("GET /v1/segments").then(
							(r) => setSegments(r.data),
							() => {},
						);
						// done with the rows it was asked about: the next action starts from none
						setPicked(new Set());
						if (filters.segment) load(null);
					}}
				/>
			)}
			<table className="queue" aria-busy={loading}>
				<thead>
					<tr>
						<th scope="col" className="pick">
							<input
								type="checkbox"
								aria-label="Select all shown"
								checked={rows.length > 0 && rows.every((l) => picked.has(l.id))}
								onChange={(e) => setPicked(e.target.checked ? new Set(rows.map((l) => l.id)) : new Set())}
							/>
						</th>
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
							<td className="pick">
								<input
									type="checkbox"
									aria-label={`Select ${l.email ?? l.id}`}
									checked={picked.has(l.id)}
									onChange={(e) =>
										setPicked((p) => {
											const next = new Set(p);
											if (e.target.checked) next.add(l.id);
											else next.delete(l.id);
											return next;
										})
									}
								/>
							</td>
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

/** Puts the chosen leads, or every lead the filters match, on a list (or takes them off the list shown). */
function ListActions({
	picked,
	filters,
	lists,
	onChanged,
}: {
	picked: string[];
	filters: Filters;
	lists: Segment[];
	onChanged: () => void;
}) {
	const [list, setList] = useState("");
	const { outcome, say, fail } = useOutcome();
	const target = list || lists[0]?.id || "";
	const showing = lists.find((g) => g.id === filters.segment);
	const { sort: _, ...matching } = filters;
	async function change(body: { add?: string[]; remove?: string[]; addMatching?: Filters }, listId: string) {
		try {
			const r = await request("POST /v1/segments/:id/members", { params: { id: listId }, body });
			const name = lists.find((g) => g.id === listId)?.name ?? "the list";
			say(
				body.remove
					? `${r.exited} taken off ${name}; ${r.members} on it now.`
					: `${r.entered} added to ${name} (the others were on it already); ${r.members} on it now.`,
			);
			onChanged();
		} catch (e) {
			fail(e);
		}
	}
	if (lists.length === 0)
		return (
			<p className="hint">
				To keep leads on a list by hand, make one on the <Link to="/segments">Segments</Link> page.
			</p>
		);
	return (
		<div className="filters list-actions">
			<label>
				List{" "}
				<select value={target} onChange={(e) => setList(e.target.value)}>
					{lists.map((g) => (
						<option key={g.id} value={g.id}>
							{g.name}
						</option>
					))}
				</select>
			</label>
			<button
				type="button"
				className="quiet"
				disabled={picked.length === 0}
				onClick={() => change({ add: picked }, target)}
			>
				Add {picked.length} selected
			</button>
			<button
				type="button"
				className="quiet"
				onClick={() => {
					const name = lists.find((g) => g.id === target)?.name ?? "the list";
					if (window.confirm(`Add every lead these filters match (not only those shown) to ${name}?`))
						change({ addMatching: matching }, target);
				}}
			>
				Add all that match
			</button>
			{showing && (
				<button
					type="button"
					className="quiet"
					disabled={picked.length === 0}
					onClick={() => change({ remove: picked }, showing.id)}
				>
					Take {picked.length} selected off {showing.name}
				</button>
			)}
			<OutcomeNote outcome={outcome} />
		</div>
	);
}
