/**
 * Ingest benchmark: 200k demo events over HTTP (batches of 100, on loopback) into
 * PostgreSQL, against the same rows written by bulk unnest inserts into the same table,
 * in the same run. Prints both rates and their ratio.
 *
 *   npm run bench                      (BENCH_EVENTS, BENCH_CONCURRENCY, BENCH_DATABASE_URL to vary)
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { serve } from "@hono/node-server";
import { sql } from "kysely";
import { createApiKey } from "../src/app/api-keys.js";
import { validateMessages } from "../src/app/ingest-batch.js";
import { setUpStore } from "../src/app/set-up-store.js";
import { createApp } from "../src/http/app.js";
import type { Database } from "../src/storage/database.js";
import { openDatabase } from "../src/storage/database.js";
import { ensureEventPartitions } from "../src/storage/event-partitions.js";
import { freshDatabase } from "./bench-database.js";
import { demoMessages } from "./demo-events.js";
import { insertEventsByUnnest } from "./unnest-writer.js";

const TOTAL = Number(process.env.BENCH_EVENTS ?? 200_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const benchDb = "qualify_bench";

const recreateDatabase = () => freshDatabase(benchDb);

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);

/** Baseline: the same events, already validated, written by bulk unnest in chunks of 5,000. */
async function rawWrite(database: Database, messages: Record<string, unknown>[]): Promise<number> {
	const { events } = validateMessages(messages, { receivedAt: new Date("2026-11-01T00:00:00Z") });
	await ensureEventPartitions(
		database.db,
		events.map((e) => e.timestamp),
		new Date("2026-11-01T00:00:00Z"),
	);
	const leadIds = events.map(() => randomUUID());
	const started = performance.now();
	for (let i = 0; i < events.length; i += 5000) {
		await insertEventsByUnnest(database.db, events.slice(i, i + 5000), leadIds.slice(i, i + 5000));
	}
	const ms = performance.now() - started;
	await sql`truncate events, message_ids, identities, leads, lead_merges, lead_scores`.execute(database.db);
	return rate(events.length, ms);
}

/** The real server on loopback, Segment batches of 100, a few clients at once from a worker thread. */
async function httpIngest(database: Database, messages: Record<string, unknown>[]) {
	const app = createApp({ db: database.db });
	const { key } = await createApiKey(database.db, "write", "bench");
	const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
	await new Promise((resolve) => server.once("listening", resolve));
	const address = server.address();
	const port = typeof address === "object" && address ? address.port : 0;
	const auth = `Basic ${Buffer.from(`${key}:`).toString("base64")}`;
	// Bodies are serialised before the clock starts: the load generator only sends bytes.
	const bodies: string[] = [];
	for (let i = 0; i < messages.length; i += 100) bodies.push(JSON.stringify({ batch: messages.slice(i, i + 100) }));
	const loop = performance.eventLoopUtilization();
	const started = performance.now();
	const generator = new Worker(new URL("./load-generator.mjs", import.meta.url), {
		workerData: { url: `http://127.0.0.1:${port}/v1/batch`, auth, bodies, concurrency: CONCURRENCY },
	});
	const { stored } = await new Promise<{ stored: number }>((resolve, reject) => {
		generator.once("message", resolve);
		generator.once("error", reject);
	});
	const ms = performance.now() - started;
	const busy = performance.eventLoopUtilization(loop).utilization;
	await new Promise((resolve) => server.close(resolve));
	const counted = await sql<{ n: number }>`select count(*)::int as n from events`.execute(database.db);
	const scored = await sql<{ n: number }>`select count(*)::int as n from lead_scores`.execute(database.db);
	await sql`truncate events, message_ids, identities, leads, lead_merges, lead_scores`.execute(database.db);
	return { rate: rate(stored, ms), ms, busy, rows: counted.rows[0]?.n ?? 0, scored: scored.rows[0]?.n ?? 0 };
}

async function main() {
	const messages = demoMessages(TOTAL);
	const url = await recreateDatabase();
	const database = await openDatabase({ url, poolSize: CONCURRENCY + 2 });
	await setUpStore(database.db);
	console.log(`ingest bench: ${messages.length} demo events, PostgreSQL, ${CONCURRENCY} concurrent HTTP clients`);
	const percent = (a: number, b: number) => `${((a / b) * 100).toFixed(1)}%`;
	const line = (label: string, r: Awaited<ReturnType<typeof httpIngest>>, raw: number, goal: string) =>
		`${label}: ${r.rate.toLocaleString("en")} events/s (${(r.ms / 1000).toFixed(1)} s, ${r.rows} rows, ${r.scored} scores, server loop ${(r.busy * 100).toFixed(0)}% busy) = ${percent(r.rate, raw)} of raw (goal ≥ ${goal})`;

	// Each HTTP phase is compared with a raw write measured just before it, as the machine drifts.
	const model = await sql<{ id: string; document: unknown }>`select id, document from scoring_models`.execute(
		database.db,
	);
	await sql`delete from scoring_models`.execute(database.db);
	const raw1 = await rawWrite(database, messages);
	const plain = await httpIngest(database, messages);
	for (const row of model.rows)
		await sql`insert into scoring_models (id, name, status, version, document, published_at)
			values (${row.id}, 'default', 'published', 1, ${JSON.stringify(row.document)}::jsonb, now())`.execute(
			database.db,
		);
	const raw2 = await rawWrite(database, messages);
	const scoring = await httpIngest(database, messages);
	await database.close();

	console.log(`raw bulk unnest write      : ${raw1.toLocaleString("en")} and ${raw2.toLocaleString("en")} events/s`);
	console.log(line("HTTP ingest, no model     ", plain, raw1, "40%"));
	console.log(line("HTTP ingest, default model", scoring, raw2, "33%"));
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
