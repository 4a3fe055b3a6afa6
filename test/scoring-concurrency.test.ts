import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { rescoreAll } from "../src/app/rescore.js";
import { demoFunnel } from "../src/domain/demo-funnel.js";
import { backends } from "./support/backends.js";
import { sameDatabase } from "./support/global-setup.js";
import { scoreStates } from "./support/score-snapshot.js";

const url = process.env.QUALIFY_TEST_DATABASE_URL;
const postgres = backends().find((b) => b.name === "postgres");
const NOW = new Date("2026-11-01T00:00:00Z");

describe.skipIf(!url || !postgres)("scoring under concurrent ingest on PostgreSQL", () => {
	it("four ingesters on overlapping leads leave the scores a full recomputation gives", async () => {
		if (!url || !postgres) return;
		const main = await postgres.open();
		const ingesters = await sameDatabase(main, url, 4);
		try {
			const messages = [...demoFunnel({ leads: 60, seed: 11, now: NOW })].flatMap((l) => l.messages);
			// every lead's events are dealt across all four ingesters, which run at once
			const streams = ingesters.map((_, k) => messages.filter((_, i) => i % 4 === k));
			await Promise.all(
				ingesters.map(async (ingester, k) => {
					const stream = streams[k] ?? [];
					for (let i = 0; i < stream.length; i += 20)
						await ingestBatch(ingester.db, stream.slice(i, i + 20), { receivedAt: NOW });
				}),
			);
			const stored = await sql<{ n: number }>`select count(*)::int as n from events`.execute(main.db);
			expect(stored.rows[0]?.n).toBe(messages.length);
			const incremental = await scoreStates(main.db, 1);
			await rescoreAll(main.db, { now: NOW });
			expect(await scoreStates(main.db, 1)).toEqual(incremental);
			expect(Object.keys(incremental).length).toBeGreaterThan(0);
		} finally {
			await Promise.all(ingesters.map((d) => d.close()));
			await main.close();
		}
	});
});
