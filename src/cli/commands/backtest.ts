import { backtest } from "../../app/backtest.js";
import { replayThreads } from "../../app/backtest-threads.js";
import { systemClock } from "../../app/system-clock.js";
import { readConfig } from "../config.js";
import { openStore } from "../open-store.js";
import { progressReporter } from "../progress.js";
import { parseCommand } from "./args.js";

const USAGE = `Usage: qualify backtest DRAFT_ID --from YYYY-MM-DD --to YYYY-MM-DD [--target-precision 0.4 | --target-volume N] [--judge-by sql|won]

Replays a window of history under a draft and under the active model, and judges both by what
really happened afterwards: MQLs, precision (share that reached SQL or was won after the flag),
recall (share of later SQLs flagged before them), lead time and MQLs per week. Then sweeps the
draft's fit floor and engagement threshold over the same history and names the pair meeting the
target: the precision by SQL (or won, with --judge-by won), or about N MQLs, at most N.
Each lead's score at a moment counts only what had happened by then: nothing leaks from its future.`;

const percent = (r: number | null) => (r === null ? "—" : `${(r * 100).toFixed(1)}%`);

export async function backtestCommand(args: string[]) {
	const parsed = parseCommand(
		args,
		{
			from: { type: "string" },
			to: { type: "string" },
			"target-precision": { type: "string" },
			"target-volume": { type: "string" },
			"judge-by": { type: "string" },
		},
		USAGE,
		true,
	);
	if (!parsed) return;
	const [draftId] = parsed.positionals;
	const { from, to } = parsed.values;
	if (!draftId) throw new TypeError(`Name the draft.\n\n${USAGE}`);
	const day = /^\d{4}-\d{2}-\d{2}$/;
	if (!from || !day.test(from) || !to || !day.test(to)) throw new TypeError("--from and --to are days, YYYY-MM-DD");
	const precision = parsed.values["target-precision"];
	const volume = parsed.values["target-volume"];
	if (precision !== undefined && !(Number(precision) >= 0 && Number(precision) <= 1))
		throw new TypeError("--target-precision is a share between 0 and 1, such as 0.4");
	if (volume !== undefined && !(Number.isInteger(Number(volume)) && Number(volume) >= 0))
		throw new TypeError("--target-volume is a whole number of MQLs");
	const judgeBy = parsed.values["judge-by"] ?? "sql";
	if (judgeBy !== "sql" && judgeBy !== "won") throw new TypeError("--judge-by is sql or won");
	const store = await openStore(readConfig());
	const progress = progressReporter();
	try {
		const result = await backtest(store.db, draftId, {
			from: new Date(`${from}T00:00:00Z`),
			to: new Date(new Date(`${to}T00:00:00Z`).getTime() + 86_400_000),
			now: systemClock.now(),
			...(precision !== undefined ? { targetPrecision: Number(precision) } : {}),
			...(volume !== undefined ? { targetVolume: Number(volume) } : {}),
			judgeBy,
			threads: replayThreads(store.url),
			onProgress: (leads) => progress.update(`replaying: ${leads.toLocaleString("en-US")} leads…`),
		});
		progress.done();
		console.log(
			`\n${result.leads.toLocaleString("en-US")} leads, ${from} – ${to}, in ${(result.elapsedMs / 1000).toFixed(1)} s\n`,
		);
		console.log("                     MQLs   → SQL    → won   recall SQL   lead time");
		for (const [label, m] of [
			[`draft "${result.draft.name}"`, result.draft],
			[`active v${result.active.version}`, result.active],
		] as const)
			console.log(
				`${label.slice(0, 20).padEnd(20)} ${String(m.mqls).padStart(5)}  ${percent(m.precisionSql).padStart(6)}  ${percent(m.precisionWon).padStart(6)}  ${percent(m.recallSql).padStart(10)}   ${m.leadTimeDays === null ? "—" : `${m.leadTimeDays.toFixed(1)} d`}`,
			);
		if (result.suggestion)
			console.log(
				`\nFit at least ${result.suggestion.fitAtLeast} and engagement at least ${result.suggestion.engagementAtLeast}: ${result.suggestion.mqls} MQLs, ${percent(result.suggestion.precisionSql)} to SQL, ${percent(result.suggestion.precisionWon)} won, recall ${percent(result.suggestion.recallSql)}.`,
			);
		else if (precision !== undefined || volume !== undefined)
			console.log("\nNo pair of thresholds meets the target on this history.");
	} finally {
		await store.close();
	}
}
