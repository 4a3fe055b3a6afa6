import { useContext, useEffect, useState } from "react";
import type { PeriodPreset } from "../../../src/schemas/metrics";
import type { Signal, SignalsReport } from "../../../src/schemas/signals";
import { request, type User } from "../api";
import { ErrorNote, failure } from "../forms";
import { Link, Navigate } from "../nav";
import { percent } from "../words";
import { canEditModels } from "./Scoring";

const PERIODS: Array<[PeriodPreset, string]> = [
	["last-90-days", "Last 90 days"],
	["last-12-months", "Last 12 months"],
	["this-quarter", "This quarter"],
];
const KIND_WORDS: Record<Signal["kind"], string> = { rule: "rule of the model", trait: "trait", event: "event" };
const times = (r: number | null) => (r === null ? "—" : `${r.toFixed(2)}×`);

/** Which rules, traits and events go with leads that convert, from the team's own history. */
export function Signals({ user }: { user: User }) {
	const navigate = useContext(Navigate);
	const [preset, setPreset] = useState<PeriodPreset>("last-90-days");
	const [drafting, setDrafting] = useState(false);
	const [minLeads, setMinLeads] = useState(20);
	const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
	const draft = async () => {
		setDrafting(true);
		setError(null);
		try {
			const made = await request("POST /v1/scoring-models/from-signals", { body: { preset, zone, minLeads } });
			navigate(`/scoring/${made.id}`);
		} catch (e) {
			setError(failure(e));
			setDrafting(false);
		}
	};
	const [report, setReport] = useState<SignalsReport | null>(null);
	const [error, setError] = useState<string | null>(null);
	useEffect(() => {
		setReport(null);
		setError(null);
		request("GET /v1/metrics/signals", {
			query: { preset, zone, minLeads },
		}).then(setReport, (e) => setError(failure(e)));
	}, [preset, zone, minLeads]);
	return (
		<section aria-labelledby="signals-title">
			<p>
				<Link to="/scoring">← Scoring</Link>
			</p>
			<div className="title-row">
				<h1 id="signals-title">Which signals convert</h1>
				<label>
					Leads first seen{" "}
					<select value={preset} onChange={(e) => setPreset(e.target.value as PeriodPreset)}>
						{PERIODS.map(([value, words]) => (
							<option key={value} value={value}>
								{words}
							</option>
						))}
					</select>
				</label>
				<label>
					Seen on at least{" "}
					<input
						type="number"
						min={1}
						max={100000}
						value={minLeads}
						onChange={(e) => {
							const n = Math.floor(Number(e.target.value));
							if (n >= 1) setMinLeads(n);
						}}
					/>{" "}
					leads
				</label>
			</div>
			<ErrorNote text={error} />
			{!report ? (
				!error && <p className="loading">Reading every lead's history…</p>
			) : (
				<>
					<p className="sub">
						{report.leads.toLocaleString()} leads, {report.sqlLeads.toLocaleString()} reached SQL and{" "}
						{report.wonLeads.toLocaleString()} won. For each signal: the leads that showed it before they converted, how
						many of them reached SQL against those that did not (the lift, with its 95% interval), and how long before
						SQL it first showed. Strongest first, by the lower end of the interval; signals on fewer than {minLeads}{" "}
						leads are left out. Rules are those of the active model (version {report.modelVersion}). Points are what a
						rule on a trait or event would be worth where the evidence is clear: 10 for each doubling of the SQL rate. A
						signal that tells the outcome almost perfectly on its own was most likely set after it (a rep's field) and
						is never suggested.
					</p>
					{canEditModels(user) && report.signals.some((s) => s.points !== null) && (
						<p>
							<button type="button" onClick={draft} disabled={drafting}>
								{drafting ? "Drafting…" : "Draft a model from these signals"}
							</button>{" "}
							<span className="sub">then backtest it against the active model before publishing</span>
						</p>
					)}
					<div className="scroll">
						<table className="compact signals">
							<thead>
								<tr>
									<th scope="col">Signal</th>
									<th scope="col" className="num">
										Leads
									</th>
									<th scope="col" className="num">
										→ SQL
									</th>
									<th scope="col" className="num">
										without it
									</th>
									<th scope="col" className="num">
										Lift (95% interval)
									</th>
									<th scope="col" className="num">
										Won
									</th>
									<th scope="col" className="num">
										Days before SQL
									</th>
									<th scope="col" className="num">
										Points
									</th>
								</tr>
							</thead>
							<tbody>
								{report.signals.map((s) => (
									<tr key={`${s.kind}:${s.key}`} data-signal={s.key}>
										<td>
											{s.kind === "rule" ? (
												s.label
											) : (
												<Link
													to={`/leads?${s.kind === "trait" ? "trait" : "did"}=${encodeURIComponent(s.key)}`}
													title="the leads who showed it, at any time"
												>
													{s.label}
												</Link>
											)}{" "}
											<span className="sub">{KIND_WORDS[s.kind]}</span>
											{s.givesAway && (
												<span
													className="flag"
													title={`on its own it tells SQLs from the rest almost perfectly (AUC ${s.auc?.toFixed(2)}): most likely set after the outcome`}
												>
													gives the outcome away
												</span>
											)}
										</td>
										<td className="num">{s.leads.toLocaleString()}</td>
										<td className="num">{percent(s.sql.rate)}</td>
										<td className="num">{percent(s.sql.baseline)}</td>
										<td className={`num ${(s.sql.low ?? 0) > 1 ? "up" : (s.sql.high ?? 2) < 1 ? "down" : ""}`}>
											{times(s.sql.lift)} ({times(s.sql.low)}–{times(s.sql.high)})
										</td>
										<td className="num">{percent(s.won.rate)}</td>
										<td className="num">{s.daysBeforeSql === null ? "—" : Math.round(s.daysBeforeSql)}</td>
										<td className="num" data-points>
											{s.points === null ? "—" : s.points > 0 ? `+${s.points}` : s.points}
										</td>
									</tr>
								))}
							</tbody>
						</table>
					</div>
					{report.signals.length === 0 && <p className="empty">Not enough leads with outcomes in this period.</p>}
				</>
			)}
		</section>
	);
}
