import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { countSegment } from "../src/app/segments/segment-sql.js";
import { createSegment, refreshSegment } from "../src/app/segments/segments.js";
import { parseSegment } from "../src/domain/segments/segment-text.js";
import { backends } from "./support/backends.js";
import { sameDatabase } from "./support/global-setup.js";

const url = process.env.QUALIFY_TEST_DATABASE_URL;
const postgres = backends().find((b) => b.name === "postgres");
const NOW = new Date("2026-11-01T00:00:00Z");

/** Forty people, each seen on /pricing and /blog several times, their events dealt round four ingesters. */
function visits(): Record<string, unknown>[] {
	return Array.from({ length: 40 }, (_, p) =>
		Array.from({ length: 8 }, (_, k) => ({
			type: "page",
			messageId: `v${p}-${k}`,
			userId: `u${p}`,
			context: { page: { path: k % 3 === 0 && p % 2 === 0 ? "/pricing" : "/blog" } },
			timestamp: new Date(NOW.getTime() - (8 - k) * 3_600_000).toISOString(),
		})),
	).flat();
}

describe.skipIf(!url || !postgres)("segments under concurrent ingest on PostgreSQL", () => {
	it("logs each entry exactly once per crossing while four ingesters and a refresh run at once", async () => {
		if (!url || !postgres) return;
		const main = await postgres.open();
		const ingesters = await sameDatabase(main, url, 4);
		try {
			const text = 'count(page where path ^= "/pricing") >= 2';
			const segment = await createSegment(main.db, { name: "Pricing twice", text }, NOW);
			expect(segment.members).toBe(0);
			const messages = visits();
			const streams = ingesters.map((_, k) => messages.filter((_, i) => i % 4 === k));
			await Promise.all([
				...ingesters.map(async (ingester, k) => {
					const stream = streams[k] ?? [];
					for (let i = 0; i < stream.length; i += 5)
						await ingestBatch(ingester.db, stream.slice(i, i + 5), { receivedAt: NOW });
				}),
				// a refresh of the whole segment, racing the ingesters
				(async () => {
					for (let i = 0; i < 5; i++) await refreshSegment(main.db, segment.id, NOW);
				})(),
			]);
			const expected = await countSegment(main.db, parseSegment(text), NOW);
			expect(expected).toBe(20); // the even people, each with three pricing views
			const log = await sql<{ lead_id: string; change: string; n: number }>`select lead_id, change, count(*)::int as n
				from segment_changes where segment_id = ${segment.id}::uuid group by lead_id, change`.execute(main.db);
			expect(log.rows.filter((r) => r.change === "entered")).toHaveLength(expected);
			expect(log.rows.every((r) => r.change === "entered" && r.n === 1)).toBe(true);
			const members = await sql<{ n: number }>`select count(*)::int as n from segment_members
				where segment_id = ${segment.id}::uuid`.execute(main.db);
			expect(members.rows[0]?.n).toBe(expected);
			const told = await sql<{ n: number }>`select count(*)::int as n from webhook_messages
				where type = 'segment.entered'`.execute(main.db);
			expect(told.rows[0]?.n).toBe(0); // no endpoint listens: nothing is queued
		} finally {
			await Promise.all(ingesters.map((i) => i.close()));
			await main.close();
		}
	}, 120_000);
});
