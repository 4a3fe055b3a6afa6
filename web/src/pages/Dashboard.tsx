import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { api } from "../api";
import { Link } from "../nav";
import { duration, SalesTeamCard } from "./SalesTeamCard";

type Rate = number | null;
interface Report {
	period: { from: string; to: string; zone: string; interval: "day" | "week"; start: string; end: string };
	funnel: Array<{ step: string; count: number; fromPrevious: Rate; fromTop: Rate }>;
	series: Array<{ bucket: string; mqls: number; sqls: number }>;
	mqlToSql: { mqls: number; sqls: number; rate: Rate };
	handoffs: {
		handoffs: number;
		touched: number;
		speedToLeadMedian: number | null;
		speedToLeadP90: number | null;
		acceptanceRate: Rate;
		breached: number;
	};
	sources: Array<{ source: string; leads: number; mqls: number; sqls: number; customers: number; leadToMql: Rate }>;
	temperatures: { hot: number; warm: number; cold: number; unscored: number };
}

const STEP_NAMES: Record<string, string> = {
	lead: "Leads",
	mql: "MQLs",
	sql: "SQLs",
	opportunity: "Opportunities",
	customer: "Customers",
};
const PRESETS: Array<[string, number]> = [
	["Last 7 days", 7],
	["Last 30 days", 30],
	["Last 90 days", 90],
	["Last 12 months", 365],
];

const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const isoDay = (d: Date) =>
	`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
const daysBack = (n: number) => isoDay(new Date(Date.now() - (n - 1) * 86_400_000));
const percent = (r: Rate) => (r === null ? "—" : `${Math.round(r * 1000) / 10}%`);

/** MQLs and SQLs per day or week, as bars; the same numbers are in a table for screen readers. */
function SeriesChart({ series, interval }: { series: Report["series"]; interval: string }) {
	const box = useRef<HTMLDivElement>(null);
	useEffect(() => {
		const element = box.current;
		if (!element) return;
		const x = series.map((b) => Date.parse(`${b.bucket}T00:00:00Z`) / 1000);
		// side by side: MQLs left of the bucket's tick, SQLs right of it
		const left = uPlot.paths.bars?.({ size: [0.4, 20], align: -1 });
		const right = uPlot.paths.bars?.({ size: [0.4, 20], align: 1 });
		const plot = new uPlot(
			{
				width: Math.max(320, element.clientWidth),
				height: 220,
				legend: { live: false },
				tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
				scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, max)] } },
				axes: [{}, { label: interval === "week" ? "per week" : "per day" }],
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

/** The funnel for a period and how it moves: the page marketing and sales managers open first. */
export function Dashboard() {
	const [from, setFrom] = useState(daysBack(90));
	const [to, setTo] = useState(daysBack(1));
	const [report, setReport] = useState<Report | null>(null);
	const [error, setError] = useState<string | null>(null);
	useEffect(() => {
		setError(null);
		api<Report>("GET", `/v1/metrics/funnel?from=${from}&to=${to}&zone=${encodeURIComponent(zone)}`).then(
			setReport,
			(e: Error) => setError(e.message),
		);
	}, [from, to]);
	const window = report ? `firstSeenAfter=${report.period.start}&firstSeenBefore=${report.period.end}` : "";
	const made = report ? `mqlAfter=${report.period.start}&mqlBefore=${report.period.end}` : "";
	const top = report?.funnel[0]?.count ?? 0;
	return (
		<section aria-labelledby="dashboard-title" className="dashboard">
			<div className="title-row">
				<h1 id="dashboard-title">Dashboard</h1>
				<fieldset className="period">
					<legend className="visually-hidden">Period</legend>
					{PRESETS.map(([label, days]) => (
						<button
							key={label}
							type="button"
							className={from === daysBack(days) && to === daysBack(1) ? "" : "quiet"}
							aria-pressed={from === daysBack(days) && to === daysBack(1)}
							onClick={() => {
								setFrom(daysBack(days));
								setTo(daysBack(1));
							}}
						>
							{label}
						</button>
					))}
					<label>
						From <input type="date" value={from} max={to} onChange={(e) => e.target.value && setFrom(e.target.value)} />
					</label>
					<label>
						to <input type="date" value={to} min={from} onChange={(e) => e.target.value && setTo(e.target.value)} />
					</label>
				</fieldset>
			</div>
			{error && <p role="alert">{error}</p>}
			{!report ? (
				<p className="loading">Loading…</p>
			) : (
				<>
					<p className="sub">
						Leads first seen {report.period.from} – {report.period.to} ({report.period.zone}). A lead counts at every
						step up to the furthest it ever reached.
					</p>
					<div className="cards">
						<section className="card wide" aria-labelledby="funnel-title">
							<h2 id="funnel-title">Funnel</h2>
							<ol className="funnel">
								{report.funnel.map((row) => (
									<li key={row.step} data-step={row.step}>
										<span className="step">{STEP_NAMES[row.step] ?? row.step}</span>
										<span className="bar" aria-hidden="true">
											<span style={{ width: `${top > 0 ? Math.max(0.5, (100 * row.count) / top) : 0}%` }} />
										</span>
										<Link
											className="count"
											to={`/leads?${row.step === "lead" ? "" : `reached=${row.step}&`}${window}`}
											aria-label={`${row.count} ${STEP_NAMES[row.step]}: show them`}
										>
											{row.count.toLocaleString()}
										</Link>
										<span className="rate">
											{row.fromPrevious === null ? "" : `${percent(row.fromPrevious)} of previous`}
										</span>
									</li>
								))}
							</ol>
						</section>
						<section className="card" aria-labelledby="sql-rate-title">
							<h2 id="sql-rate-title">MQL → SQL</h2>
							<p className="big">{percent(report.mqlToSql.rate)}</p>
							<p className="sub">
								<Link to={`/leads?reached=sql&${made}`}>{report.mqlToSql.sqls}</Link> of the{" "}
								<Link to={`/leads?${made}`}>{report.mqlToSql.mqls} MQLs made in the period</Link> were accepted by sales
								so far.
							</p>
						</section>
						<section className="card" aria-labelledby="speed-title">
							<h2 id="speed-title">Speed to lead</h2>
							<p className="big">{duration(report.handoffs.speedToLeadMedian)}</p>
							<p className="sub">
								median from handoff to first touch; 90% within {duration(report.handoffs.speedToLeadP90)}.{" "}
								{report.handoffs.touched} of {report.handoffs.handoffs} handoffs touched, {report.handoffs.breached}{" "}
								past their SLA, {percent(report.handoffs.acceptanceRate)} accepted.
							</p>
						</section>
						<section className="card wide" aria-labelledby="series-title">
							<h2 id="series-title">MQLs and SQLs over time</h2>
							<SeriesChart series={report.series} interval={report.period.interval} />
						</section>
						<section className="card sources" aria-labelledby="sources-title">
							<h2 id="sources-title">Top sources</h2>
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
									{report.sources.map((s) => (
										<tr key={s.source}>
											<td>{s.source}</td>
											<td className="num">
												<Link to={`/leads?source=${encodeURIComponent(s.source)}&${window}`}>{s.leads}</Link>
											</td>
											<td className="num">
												<Link to={`/leads?source=${encodeURIComponent(s.source)}&reached=mql&${window}`}>{s.mqls}</Link>
											</td>
											<td className="num">{percent(s.leadToMql)}</td>
											<td className="num">
												<Link to={`/leads?source=${encodeURIComponent(s.source)}&reached=sql&${window}`}>{s.sqls}</Link>
											</td>
										</tr>
									))}
								</tbody>
							</table>
							{report.sources.length === 0 && <p className="empty">No leads in this period.</p>}
						</section>
						<section className="card" aria-labelledby="temperature-title">
							<h2 id="temperature-title">Leads by temperature</h2>
							<ul className="temperatures">
								{(["hot", "warm", "cold"] as const).map((t) => (
									<li key={t}>
										<span className={`temp ${t}`}>{t}</span>
										<Link to={`/leads?temperature=${t}&${window}`}>{report.temperatures[t].toLocaleString()}</Link>
									</li>
								))}
								<li>
									<span className="temp">unscored</span> {report.temperatures.unscored.toLocaleString()}
								</li>
							</ul>
						</section>
						<SalesTeamCard start={report.period.start} end={report.period.end} />
					</div>
				</>
			)}
		</section>
	);
}
