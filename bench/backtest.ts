/**
 * How long does a backtest take? Loads the demo funnel (BENCH_LEADS, default 10,000 leads,
 * about 120,000 events) into PostgreSQL, then in the same run times a rescore of every lead
 * (the baseline: the same replay, one model) and a backtest of a draft against the active model
 * (the replay, each lead's score at each of its events' times under both models, the sweep).
 *
 *   npm run bench:backtest
 */
import { sql } from "kysely";
import { backtest } from "../src/app/backtest.js";
import { replayThreads } from "../src/app/backtest-threads.js";
import { loadDemo } from "../src/app/load-demo.js";
import { rescoreAll } from "../src/app/rescore.js";
import { createDraft } from "../src/app/scoring-models.js";
import { setUpStore } from "../src/app/set-up-store.js";
import { openDatabase } from "../src/storage/database.js";
import { benchDatabaseUrl, freshDatabase } from "./bench-database.js";

const LEADS = Number(process.env.BENCH_LEADS ?? 10_000);
const NAME = `qualify_bench_backtest_${LEADS}`;
// BENCH_REUSE=1 keeps a database loaded before (the demo at a million events takes minutes to load)
async function leadsIn(candidate: string): Promise<number> {
	const probe = await openDatabase({ url: candidate, poolSize: 1 });
	try {
		return (await sql<{ n: number }>`select count(*)::int as n from leads`.execute(probe.db)).rows[0]?.n ?? 0;
	} catch {
		return 0;
	} finally {
		await probe.close();
	}
}
const reuse = process.env.BENCH_REUSE === "1" && (await leadsIn(benchDatabaseUrl(NAME))) >= LEADS;
const url = reuse ? benchDatabaseUrl(NAME) : await freshDatabase(NAME);
const database = await openDatabase({ url, poolSize: 4 });
await setUpStore(database.db);
const today = new Date();
today.setUTCHours(0, 0, 0, 0);
if (!reuse) {
	const demo = await loadDemo(database.db, { leads: LEADS, seed: 3, now: today }, (s) =>
		process.stdout.write(`\rloading the demo: ${s.leads.toLocaleString("en-US")} leads`),
	);
	process.stdout.write(`\n${demo.leads} leads loaded\n`);
	await sql`analyze`.execute(database.db);
}
const events = (await sql<{ n: number }>`select count(*)::int as n from events`.execute(database.db)).rows[0]?.n ?? 0;
const leads = (await sql<{ n: number }>`select count(*)::int as n from leads`.execute(database.db)).rows[0]?.n ?? 0;
console.log(`${leads} leads, ${events} events`);

let started = performance.now();
await rescoreAll(database.db, { now: today });
const rescoreMs = performance.now() - started;

const active = await database.db
	.selectFrom("scoring_models")
	.select("id")
	.where("status", "=", "published")
	.executeTakeFirstOrThrow();
const draft = await createDraft(database.db, { basedOn: active.id });
const judge = {
	from: new Date(today.getTime() - 120 * 86_400_000),
	to: today,
	now: today,
	targetPrecision: 0.3,
};
started = performance.now();
const result = await backtest(database.db, draft.id, judge);
const backtestMs = performance.now() - started;
// the same backtest with the replay in worker threads, each with its own connection
const threads = replayThreads(url);
started = performance.now();
const threaded = await backtest(database.db, draft.id, { ...judge, threads });
const threadedMs = performance.now() - started;
if (JSON.stringify({ ...threaded, elapsedMs: 0 }) !== JSON.stringify({ ...result, elapsedMs: 0 }))
	throw new Error("the threaded backtest differs from the in-process one");
console.log("| run | seconds | ÷ rescore | events/s |");
console.log("| --- | ---: | ---: | ---: |");
console.log(
	`| rescore (baseline) | ${(rescoreMs / 1000).toFixed(1)} | 1.00 | ${Math.round(events / (rescoreMs / 1000))} |`,
);
console.log(
	`| backtest, two models, sweep of fit floors × ${result.sweep.length} thresholds | ${(backtestMs / 1000).toFixed(1)} | ${(backtestMs / rescoreMs).toFixed(2)} | ${Math.round(events / (backtestMs / 1000))} |`,
);
console.log(
	`| backtest, replay in ${threads?.count} worker threads | ${(threadedMs / 1000).toFixed(1)} | ${(threadedMs / rescoreMs).toFixed(2)} | ${Math.round(events / (threadedMs / 1000))} |`,
);
console.log(
	`draft ${result.draft.mqls} MQLs, precision ${result.draft.precisionSql?.toFixed(3)}; suggestion ${JSON.stringify(result.suggestion)}`,
);
await database.close();
