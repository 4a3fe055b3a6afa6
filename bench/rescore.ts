/**
 * Full rescore of millions of demo events from PostgreSQL: events/s and peak RSS, against
 * reading the same events by the same query without scoring, in the same run.
 *
 *   npm run bench:rescore     (BENCH_EVENTS, default 5,000,000; BENCH_REUSE=1 keeps a loaded database)
 */

import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import { validateMessages } from "../src/app/ingest-batch.js";
import { setUpStore } from "../src/app/set-up-store.js";
import { demoFunnel } from "../src/domain/demo-funnel.js";
import { openDatabase } from "../src/storage/database.js";
import { ensureEventPartitions } from "../src/storage/event-partitions.js";
import { insertEvents } from "../src/storage/event-rows.js";
import { benchDatabaseUrl, freshDatabase } from "./bench-database.js";
import { BENCH_NOW } from "./demo-events.js";

const TOTAL = Number(process.env.BENCH_EVENTS ?? 5_000_000);
const benchDb = "qualify_bench_rescore";

async function eventCount(): Promise<number> {
	const client = new pg.Client({ connectionString: benchDatabaseUrl(benchDb) });
	try {
		await client.connect();
		return Number((await client.query("select count(*) as n from events")).rows[0].n);
	} catch {
		return 0;
	} finally {
		await client.end().catch(() => {});
	}
}

/** Demo leads and their events, written in bulk; progress on stdout. */
async function load() {
	const database = await openDatabase({ url: await freshDatabase(benchDb), poolSize: 2 });
	await setUpStore(database.db);
	let stored = 0;
	let messages: Record<string, unknown>[] = [];
	const started = performance.now();
	const flush = async () => {
		const { events } = validateMessages(messages, { receivedAt: BENCH_NOW });
		messages = [];
		const leadIds = new Map<string, string>();
		const leadOf = events.map((e) => {
			const key = e.anonymousId ?? "";
			const id = leadIds.get(key) ?? randomUUID();
			leadIds.set(key, id);
			return id;
		});
		const profiles = new Map<string, { email: string | null; traits: Record<string, unknown> }>();
		events.forEach((e, i) => {
			const id = leadOf[i] as string;
			const profile = profiles.get(id) ?? { email: null, traits: {} };
			if (e.type === "identify") Object.assign(profile, { email: e.email, traits: { ...profile.traits, ...e.traits } });
			profiles.set(id, profile);
		});
		await ensureEventPartitions(
			database.db,
			events.map((e) => e.timestamp),
			BENCH_NOW,
		);
		const rows = [...profiles].map(([id, p]) => ({ id, email: p.email, traits: p.traits }));
		await sql`insert into leads (id, email, traits, first_seen_at, last_seen_at)
			select id, email, traits, now(), now() from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
			as r(id uuid, email text, traits jsonb)`.execute(database.db);
		for (let i = 0; i < events.length; i += 5000)
			await insertEvents(database.db, events.slice(i, i + 5000), leadOf.slice(i, i + 5000));
		stored += events.length;
		const rate = Math.round(stored / ((performance.now() - started) / 1000));
		process.stdout.write(`\rloading: ${stored.toLocaleString("en")} events (${rate.toLocaleString("en")}/s)\u001b[K`);
	};
	for (const lead of demoFunnel({ leads: 100_000_000, seed: 7, now: BENCH_NOW })) {
		messages.push(...lead.messages);
		if (messages.length >= 20_000) await flush();
		if (stored + messages.length >= TOTAL) break;
	}
	messages = messages.slice(0, Math.max(0, TOTAL - stored));
	if (messages.length > 0) await flush();
	await sql`vacuum analyze`.execute(database.db);
	await database.close();
	process.stdout.write("\n");
}

/** Runs one phase in a fresh process, so that its peak RSS is its own. */
function phase(name: "read" | "rescore"): { events: number; ms: number; maxRssMb: number } {
	const output = execFileSync(process.execPath, ["--import", "tsx", "bench/rescore-phase.ts", name], {
		env: { ...process.env, BENCH_PHASE_URL: benchDatabaseUrl(benchDb) },
		encoding: "utf8",
		stdio: ["ignore", "pipe", "inherit"],
		maxBuffer: 1 << 20,
	});
	return JSON.parse(output.trim().split("\n").pop() ?? "{}");
}

async function main() {
	if (!process.env.BENCH_REUSE || (await eventCount()) < TOTAL) await load();
	console.log(`rescore bench: ${(await eventCount()).toLocaleString("en")} demo events in PostgreSQL`);
	const read = phase("read");
	const rescore = phase("rescore");
	const rate = (p: { events: number; ms: number }) => Math.round(p.events / (p.ms / 1000));
	console.log(
		[
			`read the events (same query, no scoring) : ${rate(read).toLocaleString("en")} events/s, peak RSS ${read.maxRssMb} MB`,
			`full rescore (read, score, write)        : ${rate(rescore).toLocaleString("en")} events/s, peak RSS ${rescore.maxRssMb} MB`,
			`ratio rescore / read                     : ${((rate(rescore) / rate(read)) * 100).toFixed(0)}%`,
			"goal: ≥ 300,000 events/s under 1 GiB",
		].join("\n"),
	);
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
