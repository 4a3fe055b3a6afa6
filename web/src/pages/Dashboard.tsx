import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { FunnelReport, PeriodPreset } from "../../../src/schemas/metrics";
import type { Segment } from "../../../src/schemas/segments";
import { request, type User } from "../api";
import { ErrorNote, failure } from "../forms";
import { Link } from "../nav";
import { percent } from "../words";
import { EmptyStore } from "./EmptyStore";
import { duration, SalesTeamCard } from "./SalesTeamCard";

type Rate = number | null;
type Report = FunnelReport;

const STEP_NAMES: Record<string, string> = {
	lead: "Leads",
	mql: "MQLs",
	sql: "SQLs",
	opportunity: "Opportunities",
	customer: "Customers",
};
/** The periods a manager asks for most; the server says which days each one is. */
const PRESETS: Array<[PeriodPreset, string]> = [
	["today", "Today"],
	["this-week", "This week"],
	["this-month", "This month"],
	["this-quarter", "This quarter"],
	["last-30-days", "Last 30 days"],
	["last-90-days", "Last 90 days"],
];

const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const dayLabel = (day: string, options: Intl.DateTimeFormatOptions = { day: "numeric", month: "short" }) =>
	new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { ...options, timeZone: "UTC" });

/** A number that opens the leads it counts. */
function Count({ n, to, label }: { n: number; to: string; label: string }) {
	return (
		<Link to={to} className="count" data-count={n} aria-label={`${n} ${label}: show them`}>
			{n.toLocaleString()}
		</Link>
	);
}

/** How a figure moved against the period before. */
function Change({ change, previous }: { change: Rate; previous: number }) {
	if (change === null) return <span className="change">none the period before</span>;
	const sign = change > 0 ? "▲" : change < 0 ? "▼" : "=";
	return (
		<span className={`change ${change > 0 ? "up" : change < 0 ? "down" : ""}`}>
			{sign} {percent(Math.abs(change))} vs {previous.toLocaleString()} before
		</span>
	);
}

/**
 * MQLs and SQLs per day or week, as bars, one tick per bucket so short periods show days, not
 * hours; the same numbers are in a table for screen readers.
 */
function SeriesChart({ series, interval }: { series: Report["series"]; interval: string }) {
	const box = useRef<HTMLDivElement>(null);
	useEffect(() => {
		const element = box.current;
		if (!element) return;
		const x = series.map((b) => Date.parse(`${b.bucket}T00:00:00Z`) / 1000);
		const step = interval === "week" ? 7 * 86_400 : 86_400;
		const first = x[0] ?? 0;
		const last = x[x.length - 1] ?? first;
		const every = Math.max(1, Math.ceil(series.length / Math.max(2, Math.floor(element.clientWidth / 70))));
		// The axes in the page's own colours, so that dark mode reads too.
		const css = getComputedStyle(document.documentElement);
		const ink = css.getPropertyValue("--muted").trim() || "#4a5561";
		const line = css.getPropertyValue("--line-soft").trim() || "#e1e5ea";
		const axis = { stroke: ink, grid: { stroke: line }, ticks: { stroke: line } };
		const left = uPlot.paths.bars?.({ size: [0.4, 24], align: -1 });
		const right = uPlot.paths.bars?.({ size: [0.4, 24], align: 1 });
		const plot = new uPlot(
			{
				width: Math.max(280, element.clientWidth),
				height: 220,
				legend: { live: false },
				scales: {
					x: { time: false, range: () => [first - step / 2, last + step / 2] },
					y: { range: (_u, _min, max) => [0, Math.max(4, max)] },
				},
				axes: [
					{
						...axis,
						splits: () => x.filter((_, i) => i % every === 0),
						values: (_u, splits) =>
							splits.map((s) => {
								const day = new Date(s * 1000).toISOString().slice(0, 10);
								return interval === "week" ? `wk ${dayLabel(day)}` : dayLabel(day);
							}),
					},
					{ ...axis, label: interval === "week" ? "per week" : "per day" },
				],
				series: [
					{},
					{ label: "MQLs", stroke: "#1f5fbf", fill: "rgba(31,95,191,0.75)", paths: left, points: { show: false } },
					{ label: "SQLs", stroke: "#2b8a3e", fill: "rgba(43,138,62,0.8)", paths: right, points: { show: false } },
				],
			},
			[x, series.map((b) => b.mqls), series.map((b) => b.sqls)],
			element,
		);
		return () => plot.destroy();
	}, [series, interval]);
	return (
		<figure className="chart">
			<div ref={box} aria-hidden="true" />
			<table className="visually-hidden">
				<caption>MQLs and SQLs per {interval}</caption>
				<thead>
					<tr>
						<th scope="col">{interval}</th>
						<th scope="col">MQLs</th>
						<th scope="col">SQLs</th>
					</tr>
				</thead>
				<tbody>
					{series.map((b) => (
						<tr key={b.bucket}>
							<td>{b.bucket}</td>
							<td>{b.mqls}</td>
							<td>{b.sqls}</td>
						</tr>
					))}
				</tbody>
			</table>
		</figure>
	);
}

type Choice = { preset: PeriodPreset } | { from: string; to: string };

/** The funnel for a period and how it moves: the page marketing and sales managers open first. */
export function Dashboard({
	user,
	segment: initialSegment = null,
	account: initialAccount = null,
}: {
	user: User;
	segment?: string | null;
	account?: string | null;
}) {
	const [account, setAccount] = useState(initialAccount ?? "");
	const [accountName, setAccountName] = useState<string | null>(null);
	useEffect(() => {
		if (account)
			request("GET /v1/accounts/:id", { params: { id: account } }).then(
				(a) => setAccountName(a.name ?? a.domain ?? a.groupId),
				() => setAccountName(null),
			);
	}, [account]);
	const [choice, setChoice] = useState<Choice>({ preset: "last-30-days" });
	const [segment, setSegment] = useState(initialSegment ?? "");
	const [segments, setSegments] = useState<Segment[]>([]);
	useEffect(() => {
		request("GET /v1/segments").then(
			(r) => setSegments(r.data),
			() => setSegments([]),
		);
	}, []);
	useEffect(() => {
		const scope = new URLSearchParams({ ...(segment ? { segment } : {}), ...(account ? { account } : {}) }).toString();
		window.history.replaceState(null, "", `/dashboard${scope ? `?${scope}` : ""}`);
	}, [segment, account]);
	const [report, setReport] = useState<Report | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [version, setVersion] = useState(0);
	useEffect(() => {
		void version;
		setError(null);
		request("GET /v1/metrics/funnel", {
			query: { ...choice, zone, ...(segment ? { segment } : {}), ...(account ? { account } : {}) },
		}).then(setReport, (e) => setError(failure(e)));
	}, [choice, version, segment, account]);
	const preset = "preset" in choice ? choice.preset : null;
	const from = report?.period.from ?? "";
	const to = report?.period.to ?? "";
	const span = report
		? `${dayLabel(report.period.from, { dateStyle: "medium" })} – ${dayLabel(report.period.to, { dateStyle: "medium" })}`
		: "";
	// every count opens the leads it counts: the same period, and the same segment
	const only = `${segment ? `&segment=${segment}` : ""}${account ? `&account=${account}` : ""}`;
	const firstSeen = report ? `firstSeenAfter=${report.period.start}&firstSeenBefore=${report.period.end}${only}` : "";
	const made = report ? `mqlAfter=${report.period.start}&mqlBefore=${report.period.end}${only}` : "";
	const handed = report ? `handoffAfter=${report.period.start}&handoffBefore=${report.period.end}${only}` : "";
	const top = report?.funnel[0]?.count ?? 0;
	return (
		<section aria-labelledby="dashboard-title" className="dashboard">
			<div className="title-row">
				<h1 id="dashboard-title">Dashboard</h1>
				<label className="segment-choice">
					Segment{" "}
					<select value={segment} onChange={(e) => setSegment(e.target.value)}>
						<option value="">all leads</option>
						{segments.map((s) => (
							<option key={s.id} value={s.id}>
								{s.name}
							</option>
						))}
					</select>
				</label>
				<fieldset className="period">
					<legend className="visually-hidden">Period</legend>
					{PRESETS.map(([value, label]) => (
						<button
							key={value}
							type="button"
							className={preset === value ? "" : "quiet"}
							aria-pressed={preset === value}
							onClick={() => setChoice({ preset: value })}
						>
							{label}
						</button>
					))}
					<label>
						From{" "}
						<input
							type="date"
							value={from}
							max={to}
							onChange={(e) => e.target.value && setChoice({ from: e.target.value, to })}
						/>
					</label>
					<label>
						to{" "}
						<input
							type="date"
							value={to}
							min={from}
							onChange={(e) => e.target.value && setChoice({ from, to: e.target.value })}
						/>
					</label>
				</fieldset>
			</div>
			{account && (
				<p className="chip">
					Only the people of {accountName ?? "one company"}{" "}
					<button type="button" className="quiet small" onClick={() => setAccount("")}>
						Show all
					</button>
				</p>
			)}
			<ErrorNote text={error} />
			{user.role === "admin" && <EmptyStore onLoaded={() => setVersion((v) => v + 1)} />}
			{!report ? (
				!error && <p className="loading">Loading…</p>
			) : (
				<>
					<p className="sub">
						{span} ({report.period.zone}); changes compare with the{" "}
						{report.series.length > 0 ? "same number of days" : "days"} just before (
						{dayLabel(report.period.previous.from)} – {dayLabel(report.period.previous.to)}). “Accepted” means{" "}
						{report.cohorts.accepted}.
					</p>
					<div className="cards">
						<section className="card wide" aria-labelledby="funnel-title" data-card="funnel">
							<h2 id="funnel-title">Funnel</h2>
							<p className="cohort">Of the {report.cohorts.leads}: how far each got.</p>
							<ol className="funnel">
								{report.funnel.map((row) => (
									<li key={row.step} data-step={row.step}>
										<span className="step">{STEP_NAMES[row.step] ?? row.step}</span>
										<span className="bar" aria-hidden="true">
											<span style={{ width: `${top > 0 ? Math.max(0.5, (100 * row.count) / top) : 0}%` }} />
										</span>
										<Count
											n={row.count}
											label={STEP_NAMES[row.step] ?? row.step}
											to={`/leads?${row.step === "lead" ? "" : `reached=${row.step}&`}${firstSeen}`}
										/>
										<span className="rate">
											{row.fromPrevious === null ? "" : `${percent(row.fromPrevious)} of previous`}
										</span>
									</li>
								))}
							</ol>
							<p className="sub">
								Leads: <Change {...report.changes.leads} />
							</p>
						</section>
						<section className="card" aria-labelledby="sql-rate-title" data-card="mql-to-sql">
							<h2 id="sql-rate-title">MQL → SQL</h2>
							<p className="cohort">Of the {report.cohorts.mqls}.</p>
							<p className="big">{percent(report.mqlToSql.rate)}</p>
							<p className="sub">
								<Count n={report.mqlToSql.sqls} label="accepted" to={`/leads?reached=sql&${made}`} /> accepted of{" "}
								<Count n={report.mqlToSql.mqls} label="MQLs made" to={`/leads?${made}`} /> MQLs made.
							</p>
							<p className="sub">
								MQLs: <Change {...report.changes.mqls} />
							</p>
						</section>
						<section className="card" aria-labelledby="speed-title" data-card="speed">
							<h2 id="speed-title">Speed to lead</h2>
							<p className="cohort">Of the {report.cohorts.handoffs}.</p>
							<p className="big">{duration(report.handoffs.speedToLeadMedian)}</p>
							<p className="sub">
								median from handoff to first touch; 90% within {duration(report.handoffs.speedToLeadP90)}.
							</p>
							<ul className="figures">
								<li>
									<Count n={report.handoffs.leads} label="handed off" to={`/leads?${handed}`} /> handed off
								</li>
								<li>
									<Count n={report.handoffs.touched} label="touched" to={`/leads?handoff=touched&${handed}`} /> touched
								</li>
								<li>
									<Count n={report.handoffs.breached} label="past their SLA" to={`/leads?handoff=breached&${handed}`} />{" "}
									past their SLA
								</li>
								<li>
									<Count n={report.handoffs.accepted} label="accepted" to={`/leads?reached=sql&${handed}`} /> accepted
								</li>
								<li>
									<Count n={report.handoffs.rejected} label="rejected" to={`/leads?handoff=rejected&${handed}`} />{" "}
									rejected
								</li>
								<li>
									<Count n={report.handoffs.open} label="still open" to={`/leads?handoff=open&${handed}`} /> still open
								</li>
							</ul>
							<p className="sub">
								Handed off: <Change {...report.changes.handedOff} />
							</p>
						</section>
						<section className="card wide" aria-labelledby="series-title">
							<h2 id="series-title">MQLs and SQLs over time</h2>
							<p className="cohort">Each lead once, on the day it first became an MQL (or SQL) in the period.</p>
							<SeriesChart series={report.series} interval={report.period.interval} />
						</section>
						<section className="card sources" aria-labelledby="sources-title" data-card="sources">
							<h2 id="sources-title">Top sources</h2>
							<p className="cohort">Of the {report.cohorts.leads}.</p>
							<div className="scroll">
								<table className="compact">
									<thead>
										<tr>
											<th scope="col">Source</th>
											<th scope="col" className="num">
												Leads
											</th>
											<th scope="col" className="num">
												MQLs
											</th>
											<th scope="col" className="num">
												Lead → MQL
											</th>
											<th scope="col" className="num">
												SQLs
											</th>
										</tr>
									</thead>
									<tbody>
										{report.sources.map((s) => {
											const source = `source=${encodeURIComponent(s.source)}&${firstSeen}`;
											return (
												<tr key={s.source}>
													<td>{s.source}</td>
													<td className="num">
														<Count n={s.leads} label={`leads from ${s.source}`} to={`/leads?${source}`} />
													</td>
													<td className="num">
														<Count n={s.mqls} label={`MQLs from ${s.source}`} to={`/leads?reached=mql&${source}`} />
													</td>
													<td className="num">{percent(s.leadToMql)}</td>
													<td className="num">
														<Count n={s.sqls} label={`SQLs from ${s.source}`} to={`/leads?reached=sql&${source}`} />
													</td>
												</tr>
											);
										})}
									</tbody>
								</table>
							</div>
							{report.sources.length === 0 && <p className="empty">No leads in this period.</p>}
						</section>
						<section className="card" aria-labelledby="temperature-title" data-card="temperatures">
							<h2 id="temperature-title">Leads by temperature</h2>
							<p className="cohort">Of the {report.cohorts.leads}, under the active model.</p>
							<ul className="temperatures">
								{(["hot", "warm", "cold"] as const).map((t) => (
									<li key={t}>
										<span className={`temp ${t}`}>{t}</span>
										<Count
											n={report.temperatures[t]}
											label={`${t} leads`}
											to={`/leads?temperature=${t}&${firstSeen}`}
										/>
									</li>
								))}
								<li>
									<span className="temp">unscored</span> {report.temperatures.unscored.toLocaleString()}
								</li>
							</ul>
						</section>
						<SalesTeamCard start={report.period.start} end={report.period.end} segment={segment} account={account} />
					</div>
				</>
			)}
		</section>
	);
}
