/**
 * Ingest benchmark: 200k demo events over HTTP (batches of 100, on loopback) into
 * PostgreSQL, against the same rows written by bulk unnest inserts into the same table,
 * in the same run. Prints both rates and their ratio.
 *
 *   npm run bench                      (BENCH_EVENTS, BENCH_CONCURRENCY, BENCH_DATABASE_URL to vary)
 */
import { randomUUID } from "node:crypto";
import { serve } from "@hono/node-server";
import { sql } from "kysely";
import pg from "pg";
import { createApiKey } from "../src/app/api-keys.js";
import { validateMessages } from "../src/app/ingest-batch.js";
import { demoFunnel } from "../src/domain/demo-funnel.js";
import { createApp } from "../src/http/app.js";
import { openDatabase } from "../src/storage/database.js";
import { ensureEventPartitions } from "../src/storage/event-partitions.js";
import { migrate } from "../src/storage/migrate.js";
import { insertEventsByUnnest } from "./unnest-writer.js";

const TOTAL = Number(process.env.BENCH_EVENTS ?? 200_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const baseUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const benchDb = "qualify_bench";

async function recreateDatabase() {
	const admin = new pg.Client({ connectionString: baseUrl });
	await admin.connect();
	await admin.query(`drop database if exists ${benchDb} with (force)`);
	await admin.query(`create database ${benchDb}`);
	await admin.end();
	const url = new URL(baseUrl);
	url.pathname = `/${benchDb}`;
	return url.toString();
}

function demoMessages(): Record<string, unknown>[] {
	const messages: Record<string, unknown>[] = [];
	for (const lead of demoFunnel({ leads: 1_000_000, seed: 42, now: new Date("2026-11-01T00:00:00Z") })) {
		messages.push(...lead.messages);
		if (messages.length >= TOTAL) break;
	}
	return messages.slice(0, TOTAL);
}

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);

async function main() {
	const messages = demoMessages();
	const url = await recreateDatabase();
	const database = await openDatabase({ url, poolSize: CONCURRENCY + 2 });
	await migrate(database.db);
	console.log(`ingest bench: ${messages.length} demo events, PostgreSQL, ${CONCURRENCY} concurrent HTTP clients`);

	// Baseline: the same events, already validated, written by bulk unnest in chunks of 5,000.
	const { events } = validateMessages(messages, {}, new Date("2026-11-01T00:00:00Z"));
	await ensureEventPartitions(
		database.db,
		events.map((e) => e.timestamp),
	);
	const leadIds = events.map(() => randomUUID());
	let started = performance.now();
	for (let i = 0; i < events.length; i += 5000) {
		await insertEventsByUnnest(database.db, events.slice(i, i + 5000), leadIds.slice(i, i + 5000));
	}
	const rawMs = performance.now() - started;
	await sql`truncate events, message_ids, identities, leads, lead_merges`.execute(database.db);

	// HTTP: the real server on loopback, Segment batches of 100, a few clients at once.
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
	let next = 0;
	let stored = 0;
	const cpuBefore = process.cpuUsage();
	started = performance.now();
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async () => {
			while (next < bodies.length) {
				const body = bodies[next++];
				const response = await fetch(`http://127.0.0.1:${port}/v1/batch`, {
					method: "POST",
					headers: { authorization: auth, "content-type": "application/json" },
					body,
				});
				const result = (await response.json()) as { accepted: number };
				if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${JSON.stringify(result)}`);
				stored += result.accepted;
			}
		}),
	);
	const httpMs = performance.now() - started;
	const cpu = process.cpuUsage(cpuBefore);
	const nodeBusy = (cpu.user + cpu.system) / 1000 / httpMs;
	await new Promise((resolve) => server.close(resolve));
	const counted = await sql<{ n: number }>`select count(*)::int as n from events`.execute(database.db);
	await database.close();

	const rawRate = rate(events.length, rawMs);
	const httpRate = rate(stored, httpMs);
	console.log(`raw bulk unnest write : ${rawRate.toLocaleString("en")} events/s (${(rawMs / 1000).toFixed(1)} s)`);
	console.log(
		`HTTP ingest (batch 100): ${httpRate.toLocaleString("en")} events/s (${(httpMs / 1000).toFixed(1)} s), ${counted.rows[0]?.n} rows stored`,
	);
	console.log(
		`Node process CPU during HTTP ingest: ${(nodeBusy * 100).toFixed(0)}% of one core (server and load generator)`,
	);
	console.log(`ratio HTTP / raw      : ${((httpRate / rawRate) * 100).toFixed(1)}% (goal ≥ 40%)`);
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
