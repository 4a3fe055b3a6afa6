import { type FormEvent, useEffect, useState } from "react";
import type { BacktestResult } from "../../../src/schemas/scoring-model";
import { request } from "../api";
import { ErrorNote, failure } from "../forms";
import { LineChart } from "../line-chart";
import { Link } from "../nav";
import { percent } from "../words";

const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);

/** A draft judged against the active model on a window of history, with its threshold swept. */
export function Backtest({ id }: { id: string }) {
	const [from, setFrom] = useState(day(120));
	const [to, setTo] = useState(day(1));
	const [target, setTarget] = useState("");
	const [goal, setGoal] = useState<"precision" | "volume">("precision");
	const [judgeBy, setJudgeBy] = useState<"sql" | "won">("sql");
	const [result, setResult] = useState<BacktestResult | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	async function run(event?: FormEvent) {
		event?.preventDefault();
		setBusy(true);
		setError(null);
		try {
			setResult(
				await request("GET /v1/scoring-models/:id/backtest", {
					params: { id },
					query: {
						from,
						to,
						judgeBy,
						...(target
							? goal === "precision"
								? { targetPrecision: Number(target) / 100 }
								: { targetVolume: Math.floor(Number(target)) }
							: {}),
					},
				}),
			);
		} catch (e) {
			setError(failure(e));
		}
		setBusy(false);
	}
	// biome-ignore lint/correctness/useExhaustiveDependencies: run once, for the default window
	useEffect(() => {
		run();
	}, []);
	const weeks = result
		? [...new Set([...result.draft.perWeek, ...result.active.perWeek].map((w) => w.week))].sort()
		: [];
	const perWeek = (rows: BacktestResult["draft"]["perWeek"]) =>
		weeks.map((w) => rows.find((r) => r.week === w)?.mqls ?? 0);
	return (
		<article className="backtest">
			<p>
				<Link to={`/scoring/${id}`}>← The draft</Link>
			</p>
			<h1>Backtest{result ? `: ${result.draft.name}` : ""}</h1>
			<p className="hint">
				History replayed under the draft and under the active model. A lead is flagged when the model would have made it
				an MQL, reading only what had happened by then; a flag is right when the lead reached SQL (or was won) after it.
				Recall is the share of later SQLs that were flagged before them.
			</p>
			<form className="inline-form" aria-label="Backtest window" onSubmit={run}>
				<label>
					From <input type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} />
				</label>
				<label>
					to <input type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} />
				</label>
				<label>
					Find the thresholds for{" "}
					<select value={goal} onChange={(e) => setGoal(e.target.value as "precision" | "volume")}>
						<option value="precision">a precision of (%)</option>
						<option value="volume">about this many MQLs</option>
					</select>
				</label>
				<input
					type="number"
					aria-label={goal === "precision" ? "Target precision (%)" : "Target MQLs"}
					min={goal === "precision" ? 1 : 0}
					max={goal === "precision" ? 100 : undefined}
					value={target}
					onChange={(e) => setTarget(e.target.value)}
				/>
				<label>
					judged by{" "}
					<select value={judgeBy} onChange={(e) => setJudgeBy(e.target.value as "sql" | "won")}>
						<option value="sql">reaching SQL</option>
						<option value="won">won deals</option>
					</select>
				</label>
				<button type="submit" disabled={busy}>
					{busy ? "Replaying…" : "Run"}
				</button>
			</form>
			<ErrorNote text={error} />
			{result && (
				<>
					<div className="scroll">
						<table className="compact" data-testid="backtest-metrics">
							<thead>
								<tr>
									<th scope="col">{result.leads.toLocaleString()} leads</th>
									<th scope="col" className="num">
										MQLs
									</th>
									<th scope="col" className="num">
										→ SQL
									</th>
									<th scope="col" className="num">
										→ won
									</th>
									<th scope="col" className="num">
										Recall of SQLs
									</th>
									<th scope="col" className="num">
										Lead time (median)
									</th>
								</tr>
							</thead>
							<tbody>
								{(
									[
										[`Draft “${result.draft.name}”`, result.draft],
										[`Active v${result.active.version}`, result.active],
									] as const
								).map(([label, m]) => (
									<tr key={label}>
										<th scope="row">{label}</th>
										<td className="num">{m.mqls.toLocaleString()}</td>
										<td className="num">{percent(m.precisionSql)}</td>
										<td className="num">{percent(m.precisionWon)}</td>
										<td className="num">{percent(m.recallSql)}</td>
										<td className="num">{m.leadTimeDays === null ? "—" : `${m.leadTimeDays.toFixed(1)} d`}</td>
									</tr>
								))}
							</tbody>
						</table>
					</div>
					{result.suggestion && (
						<output className="status">
							Fit at least {result.suggestion.fitAtLeast} and engagement at least {result.suggestion.engagementAtLeast}:{" "}
							{result.suggestion.mqls} MQLs, {percent(result.suggestion.precisionSql)} reaching SQL, recall{" "}
							{percent(result.suggestion.recallSql)}.
						</output>
					)}
					<div className="cards">
						<section className="card" aria-labelledby="sweep-title">
							<h2 id="sweep-title">Precision and recall against the engagement threshold</h2>
							<LineChart
								x={result.sweep.map((r) => r.engagementAtLeast)}
								series={[
									{ label: "precision", values: result.sweep.map((r) => r.precisionSql), color: "#1f5fbf" },
									{ label: "recall", values: result.sweep.map((r) => r.recallSql), color: "#2b8a3e" },
								]}
								xLabel="engagement at least"
								yLabel="share"
							/>
						</section>
						<section className="card" aria-labelledby="weeks-title">
							<h2 id="weeks-title">MQLs per week</h2>
							<LineChart
								x={weeks.map((_, i) => i)}
								series={[
									{ label: "draft", values: perWeek(result.draft.perWeek), color: "#1f5fbf" },
									{ label: "active", values: perWeek(result.active.perWeek), color: "#b5484b" },
								]}
								xLabel={weeks.length ? `weeks from ${weeks[0]}` : "weeks"}
								yLabel="MQLs"
							/>
						</section>
					</div>
					{result.examples.length > 0 && (
						<section aria-labelledby="differ-title">
							<h2 id="differ-title">Leads the two models flag differently</h2>
							<ul className="sub">
								{result.examples.map((e) => (
									<li key={e.leadId}>
										<Link to={`/leads/${e.leadId}`}>{e.email ?? e.leadId}</Link>: draft{" "}
										{e.draftAt ? e.draftAt.slice(0, 10) : "never"}, active{" "}
										{e.activeAt ? e.activeAt.slice(0, 10) : "never"}
										{e.sqlAt ? `, reached SQL ${e.sqlAt.slice(0, 10)}` : ", never reached SQL"}
									</li>
								))}
							</ul>
						</section>
					)}
				</>
			)}
		</article>
	);
}
