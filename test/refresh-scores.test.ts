import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { refreshStaleScores } from "../src/app/refresh-scores.js";
import { scheduleOnce } from "../src/jobs/queue.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { received } from "./support/clock.js";

describe.each(backends())("refreshing stored scores on $name", (backend) => {
	let database: Database;
	beforeEach(async () => {
		database = await backend.open();
	});
	afterEach(async () => database.close());

	const stored = async () =>
		database.db.selectFrom("lead_scores").select(["lead_id", "engagement", "scored_at"]).orderBy("lead_id").execute();

	it("lets stored engagement decay with time, for every lead, and then has nothing left to do", async () => {
		const now = Date.now();
		const events = Array.from({ length: 7 }, (_, i) => [
			{ type: "identify", messageId: `i${i}`, userId: `u${i}`, traits: { email: `u${i}@corp.io` } },
			{
				type: "page",
				messageId: `p${i}`,
				userId: `u${i}`,
				context: { page: { path: "/pricing" } },
				timestamp: new Date(now - 86_400_000).toISOString(),
			},
		]).flat();
		expect((await ingestBatch(database.db, events, received)).errors).toEqual([]);
		const before = await stored();
		expect(before.every((r) => r.engagement > 0)).toBe(true);

		const later = new Date(now + 120 * 86_400_000);
		expect(await refreshStaleScores(database.db, { now: later, chunkSize: 3 })).toBe(7);
		const after = await stored();
		for (const [i, row] of after.entries()) {
			expect(row.engagement).toBeLessThan(before[i]?.engagement as number);
			expect(new Date(row.scored_at).getTime()).toBe(later.getTime());
		}
		expect(await refreshStaleScores(database.db, { now: later })).toBe(0);
	});

	it("keeps one waiting job of a recurring kind", async () => {
		await scheduleOnce(database.db, "scores.refresh", new Date());
		await scheduleOnce(database.db, "scores.refresh", new Date());
		const jobs = await database.db.selectFrom("jobs").select("id").where("kind", "=", "scores.refresh").execute();
		expect(jobs).toHaveLength(1);
		await scheduleOnce(database.db, "scores.refresh", new Date(), jobs[0]?.id);
		expect(
			await database.db.selectFrom("jobs").select("id").where("kind", "=", "scores.refresh").execute(),
		).toHaveLength(2);
	});
});
