/**
 * Segments at scale on PostgreSQL (issue 12): BENCH_LEADS leads (default 1,000,000) with ten
 * page views each, written in bulk by SQL. Three figures, each with a baseline from the same run:
 *
 *  1. counting a five-condition segment with a behaviour window, against a plain count of the leads;
 *  2. keeping 20 live segments current: leads changed a chunk at a time, each chunk re-checked
 *     against all 20 in its transaction, against the same changes with no segments;
 *  3. ingest with the 20 segments live, against ingest with none (alternated, twice each).
 *
 *   npm run bench:segments     (BENCH_LEADS; BENCH_REUSE=1 keeps a loaded database)
 */

import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { recheckSegments } from "../src/app/segments/segment-membership.js";
import { countSegment } from "../src/app/segments/segment-sql.js";
import { createSegment } from "../src/app/segments/segments.js";
import { setUpStore } from "../src/app/set-up-store.js";
import { parseSegment } from "../src/domain/segments/segment-text.js";
import { type Database, openDatabase } from "../src/storage/database.js";
import { ensureEventPartitions } from "../src/storage/event-partitions.js";
import { inTransaction } from "../src/storage/transaction.js";
import { benchDatabaseUrl, freshDatabase, quantile } from "./bench-database.js";

const LEADS = Number(process.env.BENCH_LEADS ?? 1_000_000);
const EVENTS_PER_LEAD = 10;
const NOW = new Date("2026-11-01T00:00:00Z");
const DAY = 86_400_000;
const benchDb = "qualify_bench_segments";

const FIVE =
	'stage = mql and country in ("DE", "AT") and grade in (A, B) and count(page where path ^= "/pricing", 7d) >= 3 and days_since(stage_changed) > 14';

/** Twenty segments of the kinds teams keep: ten on the profile and score, ten with behaviour. */
const TWENTY = [
	"stage = mql",
	'country in ("DE", "AT", "CH")',
	'industry = "Software" and grade in (A, B)',
	"temperature = hot",
	'title *= "VP" or title *= "Chief"',
	"fit >= 60 and engagement < 10",
	'country = "US" and stage in (lead, mql)',
	"grade = A",
	'industry in ("Retail", "Education") and temperature = cold',
	"stage = sql and days_since(stage_changed) > 30",
	'count(page where path ^= "/pricing", 7d) >= 2',
	'count(page where path ^= "/docs", 30d) >= 3',
	'count(page where path = "/product", 14d) >= 1 and stage = lead',
	'count(page where path ^= "/blog", 7d) = 0 and grade in (A, B)',
	'days_since(last(page where path ^= "/pricing")) < 7',
	"count(page, 1d) >= 2",
	'count(page where path ^= "/pricing", 30d) >= 5 and country = "DE"',
	"count(page where local_hour >= 22, 30d) >= 1",
	'count(page where path ^= "/customers", 60d) >= 1 and temperature in (warm, hot)',
	"days_since(last_seen) > 21 and grade = A",
];

function progress(text: string) {
	process.stdout.write(`\r${text}`.padEnd(70));
}

async function loaded(db: Database["db"]): Promise<number> {
	try {
		return (await sql<{ n: number }>`select count(*)::int as n from leads`.execute(db)).rows[0]?.n ?? 0;
	} catch {
		return 0;
	}
}

/** Leads, their scores under the default model and their page views, written by SQL in chunks. */
async function load(database: Database) {
	const db = database.db;
	await setUpStore(db);
	await ensureEventPartitions(
		db,
		Array.from({ length: 64 }, (_, d) => new Date(NOW.getTime() - d * DAY)),
		NOW,
	);
	const chunk = 50_000;
	const started = performance.now();
	for (let from = 1; from <= LEADS; from += chunk) {
		const to = Math.min(LEADS, from + chunk - 1);
		await inTransaction(db, async (trx) => {
			await sql`insert into leads (id, email, traits, stage, stage_changed_at, first_seen_at, last_seen_at, timezone)
				select md5('lead' || i)::uuid, 'p' || i || '@c' || (i % 50000) || '.example',
					jsonb_build_object('country', (array['DE','AT','US','GB','FR','CH','BR','IN'])[1 + i % 8],
						'industry', (array['Software','Retail','Healthcare','Education','Finance'])[1 + (i / 8) % 5],
						'title', (array['VP Sales','Chief Technology Officer','Engineer','Marketing Manager','Intern'])[1 + (i / 3) % 5]),
					(array['subscriber','lead','lead','mql','sql'])[1 + (i * 7) % 5],
					${NOW}::timestamptz - make_interval(days => (i % 60)),
					${NOW}::timestamptz - make_interval(days => 60 + i % 30),
					${NOW}::timestamptz - make_interval(hours => (i % 700)),
					(array['Europe/Berlin','America/New_York','Asia/Tokyo'])[1 + i % 3]
				from generate_series(${from}::int, ${to}::int) as i`.execute(trx);
			await sql`insert into lead_scores (lead_id, model_version, state, fit, engagement, grade, temperature,
					qualified, qualification, scored_at)
				select md5('lead' || i)::uuid, 1, '{}'::jsonb, (i * 37) % 100, (i * 13) % 80,
					(array['A','B','C','D'])[1 + (i * 37) % 100 / 25], (array['cold','warm','hot'])[1 + (i * 13) % 80 / 27],
					false, 'not yet', ${NOW}::timestamptz
				from generate_series(${from}::int, ${to}::int) as i`.execute(trx);
			await sql`insert into events (lead_id, message_id, type, name, page_path, properties, timestamp, received_at)
				select md5('lead' || i)::uuid, 'm' || i || '-' || k, 'page', null,
					(array['/pricing','/blog/a','/docs/start','/product','/customers','/pricing/enterprise'])[1 + (i + k * 5) % 6],
					'{}'::jsonb,
					-- a quarter of the leads were busy this week; the others spread over two months
					${NOW}::timestamptz - make_interval(mins => ((i::bigint * 7919 + k * 104729) % (60 * 24 * case when i % 4 = 0 then 6 else 60 end))::int),
					${NOW}::timestamptz
				from generate_series(${from}::int, ${to}::int) as i, generate_series(1, ${EVENTS_PER_LEAD}::int) as k`.execute(
				trx,
			);
		});
		const seconds = (performance.now() - started) / 1000;
		progress(`loading: ${to.toLocaleString()} of ${LEADS.toLocaleString()} leads, ${Math.round(seconds)} s`);
	}
	await sql`analyze`.execute(db);
	process.stdout.write("\n");
}

async function timed(run: () => Promise<unknown>): Promise<number> {
	const started = performance.now();
	await run();
	return performance.now() - started;
}

async function main() {
	const url = process.env.BENCH_REUSE === "1" ? benchDatabaseUrl(benchDb) : await freshDatabase(benchDb);
	let database = await openDatabase({ url, poolSize: 4 });
	if ((await loaded(database.db)) < LEADS) {
		await database.close();
		database = await openDatabase({ url: await freshDatabase(benchDb), poolSize: 4 });
		await load(database);
	}
	const db = database.db;
	await sql`delete from segments`.execute(db);
	const events = (await sql<{ n: number }>`select count(*)::int as n from events`.execute(db)).rows[0]?.n ?? 0;
	console.log(`${LEADS.toLocaleString()} leads, ${events.toLocaleString()} events`);

	// 1. a five-condition count, against counting the leads
	const condition = parseSegment(FIVE);
	const counts: number[] = [];
	const plain: number[] = [];
	let size = 0;
	for (let run = 0; run < 5; run++) {
		plain.push(await timed(() => sql`select count(*) from leads where merged_into is null`.execute(db)));
		counts.push(
			await timed(async () => {
				size = await countSegment(db, condition, NOW);
			}),
		);
	}
	const countMs = quantile(counts, 0.5);
	const plainMs = quantile(plain, 0.5);
	console.log(
		`five-condition count: ${size.toLocaleString()} leads in ${Math.round(countMs)} ms (median of 5; ` +
			`counting all leads: ${Math.round(plainMs)} ms, ratio ${(countMs / plainMs).toFixed(1)}×)`,
	);

	// ingest, as a function: batches of 100 events from new visitors, each identified once
	const batches = Number(process.env.BENCH_BATCHES ?? 200);
	const ingest = async (label: string) => {
		const ms = await timed(async () => {
			for (let b = 0; b < batches; b++) {
				const visitor = randomUUID();
				const messages = Array.from({ length: 100 }, (_, k) => ({
					type: k === 0 ? "identify" : "page",
					messageId: `${label}-${b}-${k}-${visitor}`,
					anonymousId: `${visitor}-${k % 20}`,
					...(k === 0
						? { traits: { email: `${visitor}@bench.example`, country: "DE", industry: "Software" } }
						: { properties: { path: ["/pricing", "/docs/a", "/blog/b"][k % 3] } }),
					timestamp: new Date(NOW.getTime() - (k % 48) * 3_600_000).toISOString(),
				}));
				const result = await ingestBatch(db, messages, { receivedAt: NOW });
				if (result.errors.length > 0) throw new Error(JSON.stringify(result.errors[0]));
			}
		});
		return (batches * 100) / (ms / 1000);
	};
	const rates: Record<"none" | "twenty", number[]> = { none: [], twenty: [] };
	rates.none.push(await ingest("none0"));

	// 2. twenty live segments: changes re-checked in their transaction, against the changes alone
	const filled = await timed(async () => {
		for (const [i, text] of TWENTY.entries()) await createSegment(db, { name: `Live ${i + 1}`, text }, NOW);
	});
	console.log(`twenty segments made and filled: ${(filled / 1000).toFixed(1)} s`);
	rates.twenty.push(await ingest("twenty0"));
	const sample = Number(process.env.BENCH_CHANGES ?? 50_000);
	const ids = (
		await sql<{ id: string }>`select id from leads order by md5(id::text) limit ${sample}`.execute(db)
	).rows.map((r) => r.id);
	const chunkSize = 1000;
	const change = async (withSegments: boolean, round: number) => {
		const before =
			(await sql<{ n: number }>`select count(*)::int as n from segment_changes`.execute(db)).rows[0]?.n ?? 0;
		const ms = await timed(async () => {
			for (let i = 0; i < ids.length; i += chunkSize) {
				const chunk = ids.slice(i, i + chunkSize);
				await inTransaction(db, async (trx) => {
					// a profile change: a country and a stage that segments test
					await sql`update leads set traits = traits || jsonb_build_object('country',
							(array['DE','AT','US','GB'])[1 + (${round}::int + abs(hashtext(id::text))) % 4]),
						stage = (array['lead','mql','sql'])[1 + (${round}::int + abs(hashtext(id::text))) % 3]
						where id = any(${chunk}::uuid[])`.execute(trx);
					if (withSegments) await recheckSegments(trx, chunk, NOW);
				});
			}
		});
		const after =
			(await sql<{ n: number }>`select count(*)::int as n from segment_changes`.execute(db)).rows[0]?.n ?? 0;
		return { rate: ids.length / (ms / 1000), moved: after - before };
	};
	const without = await change(false, 1);
	const withSegments = await change(true, 2);
	console.log(
		`lead changes: ${Math.round(withSegments.rate).toLocaleString()}/s with 20 live segments ` +
			`(${Math.round(without.rate).toLocaleString()}/s for the changes alone, ${(withSegments.rate / without.rate).toFixed(2)}×); ` +
			`${withSegments.moved.toLocaleString()} entries and exits for ${ids.length.toLocaleString()} leads changed`,
	);

	// 3. ingest with the twenty segments live against none, two rounds each (none, twenty, twenty, none)
	rates.twenty.push(await ingest("twenty1"));
	await sql`delete from segments`.execute(db);
	rates.none.push(await ingest("none1"));
	const none = rates.none.reduce((a, b) => a + b, 0) / rates.none.length;
	const twenty = rates.twenty.reduce((a, b) => a + b, 0) / rates.twenty.length;
	console.log(
		`ingest: ${Math.round(twenty).toLocaleString()} events/s with 20 live segments (${rates.twenty.map(Math.round).join(", ")}), ` +
			`${Math.round(none).toLocaleString()} with none (${rates.none.map(Math.round).join(", ")}): ${((twenty / none) * 100).toFixed(0)}%`,
	);
	await database.close();
}

await main();
