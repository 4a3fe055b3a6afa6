import { type FormEvent, useCallback, useContext, useEffect, useState } from "react";
import type { SegmentChangePage, SegmentDetail, SegmentHistory } from "../../../src/schemas/segments";
import { request, type User } from "../api";
import { ErrorNote, failure, OutcomeNote, useOutcome } from "../forms";
import { LineChart } from "../line-chart";
import { Link, Navigate } from "../nav";

const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
type Change = SegmentChangePage["data"][number];

/** A segment: its condition, its size over time, who entered and left, and (for a list) its upload. */
export function SegmentPage({ id, user }: { id: string; user: User }) {
	const navigate = useContext(Navigate);
	const [segment, setSegment] = useState<SegmentDetail | null>(null);
	const [history, setHistory] = useState<SegmentHistory | null>(null);
	const [days, setDays] = useState(90);
	const [changes, setChanges] = useState<Change[]>([]);
	const [cursor, setCursor] = useState<string | null>(null);
	const [only, setOnly] = useState<"" | "entered" | "exited">("");
	const [error, setError] = useState<string | null>(null);
	const [version, setVersion] = useState(0);
	const action = useOutcome();
	const writes = user.role !== "sales";

	useEffect(() => {
		void version;
		request("GET /v1/segments/:id", { params: { id } }).then(setSegment, (e) => setError(failure(e)));
	}, [id, version]);
	useEffect(() => {
		void version;
		request("GET /v1/segments/:id/history", { params: { id }, query: { days: String(days), zone } }).then(
			setHistory,
			(e) => setError(failure(e)),
		);
	}, [id, days, version]);
	const loadChanges = useCallback(
		async (after: string | null) => {
			try {
				const page = await request("GET /v1/segments/:id/changes", {
					params: { id },
					query: { limit: "25", ...(only ? { change: only } : {}), ...(after ? { cursor: after } : {}) },
				});
				setChanges((previous) => (after ? [...previous, ...page.data] : page.data));
				setCursor(page.nextCursor);
			} catch (e) {
				setError(failure(e));
			}
		},
		[id, only],
	);
	useEffect(() => {
		void version;
		loadChanges(null);
	}, [loadChanges, version]);

	if (!segment) return error ? <ErrorNote text={error} /> : <p className="loading">Loading…</p>;
	const x = history?.days.map((_, i) => i - (history.days.length - 1)) ?? [];
	const last = history?.days[history.days.length - 1];
	return (
		<section aria-labelledby="segment-title">
			<p className="sub">
				<Link to="/segments">Segments</Link> ›
			</p>
			<div className="title-row">
				<h1 id="segment-title">{segment.name}</h1>
				{writes && segment.kind === "dynamic" && <Link to={`/segments/${id}/edit`}>Edit…</Link>}
			</div>
			<p>
				{segment.kind === "dynamic" ? "A segment: kept current as leads change." : "A list, kept by hand."}{" "}
				<Link
					to={`/leads?segment=${id}`}
					className="count"
					data-count={segment.members}
					aria-label={`${segment.members} leads in it now: show them`}
				>
					{segment.members.toLocaleString()}
				</Link>{" "}
				{segment.members === 1 ? "lead" : "leads"} in it now. <Link to={`/dashboard?segment=${id}`}>Its dashboard</Link>
			</p>
			{segment.text && (
				<pre className="segment-text">
					<code>{segment.text}</code>
				</pre>
			)}
			<ErrorNote text={error} />
			<h2>Size over time</h2>
			<label>
				Last{" "}
				<select value={days} onChange={(e) => setDays(Number(e.target.value))}>
					{[30, 90, 365].map((d) => (
						<option key={d} value={d}>
							{d} days
						</option>
					))}
				</select>
			</label>
			{history && (
				<figure className="chart">
					<LineChart
						x={x}
						xLabel="days before today"
						yLabel="leads"
						series={[{ label: "Leads in it", values: history.days.map((d) => d.size), color: "#1f5fbf" }]}
					/>
					<figcaption className="sub" data-size={last?.size}>
						Made {new Date(segment.createdAt).toLocaleDateString()}. {history.days[0]?.day} – {last?.day}:{" "}
						{history.days[0]?.size.toLocaleString()} → {last?.size.toLocaleString()} leads;{" "}
						{history.days.reduce((n, d) => n + d.entered, 0).toLocaleString()} entered,{" "}
						{history.days.reduce((n, d) => n + d.exited, 0).toLocaleString()} left.
					</figcaption>
				</figure>
			)}
			<h2>Entries and exits</h2>
			<label>
				Show{" "}
				<select value={only} onChange={(e) => setOnly(e.target.value as typeof only)}>
					<option value="">both</option>
					<option value="entered">entries</option>
					<option value="exited">exits</option>
				</select>
			</label>
			<table className="queue changes">
				<thead>
					<tr>
						<th scope="col">Lead</th>
						<th scope="col">Change</th>
						<th scope="col">When</th>
					</tr>
				</thead>
				<tbody>
					{changes.map((c, i) => (
						<tr key={`${c.leadId}-${c.at}-${i}`}>
							<td>
								<Link to={`/leads/${c.leadId}`}>{c.email ?? c.leadId}</Link>
							</td>
							<td>{c.change === "entered" ? "entered" : "left"}</td>
							<td>{new Date(c.at).toLocaleString()}</td>
						</tr>
					))}
				</tbody>
			</table>
			{changes.length === 0 && <p className="empty">No entries or exits yet.</p>}
			{cursor && (
				<button type="button" className="quiet" onClick={() => loadChanges(cursor)}>
					Load more
				</button>
			)}
			{writes && segment.kind === "static" && <ListUpload id={id} onDone={() => setVersion((v) => v + 1)} />}
			{writes && (
				<div className="danger">
					{segment.kind === "dynamic" && (
						<button
							type="button"
							className="quiet"
							onClick={async () => {
								try {
									const r = await request("POST /v1/segments/:id/refresh", { params: { id } });
									setVersion((v) => v + 1);
									action.say(`Up to date: ${r.entered} entered, ${r.exited} left.`);
								} catch (e) {
									action.fail(e);
								}
							}}
						>
							Refresh now
						</button>
					)}{" "}
					<button
						type="button"
						className="quiet"
						onClick={() => {
							if (!window.confirm(`Delete ${segment.name}, its members and its log?`)) return;
							action.run(async () => {
								await request("DELETE /v1/segments/:id", { params: { id } });
								navigate("/segments");
							}, "Deleted.");
						}}
					>
						Delete…
					</button>
					<OutcomeNote outcome={action.outcome} />
				</div>
			)}
		</section>
	);
}

/** A list's members from a CSV: a column headed email or id, or one column of addresses. */
function ListUpload({ id, onDone }: { id: string; onDone: () => void }) {
	const [file, setFile] = useState<File | null>(null);
	const [how, setHow] = useState<"add" | "remove">("add");
	const { outcome, say, fail } = useOutcome();
	async function submit(event: FormEvent) {
		event.preventDefault();
		if (!file) return;
		try {
			const r = await request("POST /v1/segments/:id/members.csv", {
				params: { id },
				query: { action: how },
				body: file,
			});
			onDone();
			say(
				how === "add"
					? `${r.entered} added from ${r.rows} rows (the others were in it already); ${r.members} in the list now.`
					: `${r.exited} removed; ${r.members} in the list now.`,
			);
		} catch (e) {
			fail(e);
		}
	}
	return (
		<form className="inline-form" aria-label="Members from a CSV" onSubmit={submit}>
			<h2>Members from a CSV</h2>
			<p className="hint">
				A column headed email or id, or one column of e-mail addresses. Every row must name a lead.
			</p>
			<label>
				CSV file{" "}
				<input type="file" accept=".csv,text/csv" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
			</label>
			<label>
				<select value={how} onChange={(e) => setHow(e.target.value as "add" | "remove")} aria-label="Add or remove">
					<option value="add">add them</option>
					<option value="remove">remove them</option>
				</select>
			</label>
			<button type="submit" disabled={!file}>
				Upload
			</button>
			<OutcomeNote outcome={outcome} />
		</form>
	);
}
