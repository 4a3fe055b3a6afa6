import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { activeModel } from "../src/app/active-model.js";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { chunkRanges, type Replayed, replayAll, replayRange } from "../src/app/replay.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { received, TEST_NOW } from "./support/clock.js";

const DAY = 86_400_000;

describe.each(backends())("the one replay on $name", (backend) => {
	let database: Database;
	beforeEach(async () => {
		database = await backend.open();
		// eleven leads; each saw pricing 20 days ago and asked for a demo 2 days ago
		const events = Array.from({ length: 11 }, (_, i) => [
			{
				type: "identify",
				messageId: `i${i}`,
				userId: `u${i}`,
				traits: { email: `u${i}@corp${i}.io`, title: "VP Sales" },
				timestamp: new Date(TEST_NOW.getTime() - 30 * DAY).toISOString(),
			},
			{
				type: "page",
				messageId: `p${i}`,
				userId: `u${i}`,
				context: { page: { path: "/pricing" } },
				timestamp: new Date(TEST_NOW.getTime() - 20 * DAY).toISOString(),
			},
			{
				type: "track",
				messageId: `d${i}`,
				userId: `u${i}`,
				event: "Demo Requested",
				timestamp: new Date(TEST_NOW.getTime() - 2 * DAY).toISOString(),
			},
		]).flat();
		expect((await ingestBatch(database.db, events, received)).errors).toEqual([]);
	});
	afterEach(async () => database.close());

	it("reads every live lead once, in ranges, and scores them as the stored scores say", async () => {
		const model = await activeModel(database.db);
		if (!model) throw new Error("no active model");
		const ranges = await chunkRanges(database.db, 4);
		expect(ranges).toHaveLength(3);
		const seen: Array<Replayed<object>> = [];
		await replayAll(database.db, model.model, {
			asOf: TEST_NOW.getTime(),
			chunkSize: 4,
			concurrency: 2,
			onRange: (_trx, leads) => {
				seen.push(...leads);
			},
		});
		expect(new Set(seen.map((l) => l.row.id)).size).toBe(11);
		expect(seen.every((l) => l.events === 3)).toBe(true);
		const stored = await database.db.selectFrom("lead_scores").select(["lead_id", "engagement"]).execute();
		for (const row of stored)
			expect(seen.find((l) => l.row.id === row.lead_id)?.score.engagement).toBeCloseTo(row.engagement, 6);
	});

	it("replays as of an earlier moment: later events do not count, so nothing from the future leaks in", async () => {
		const model = await activeModel(database.db);
		if (!model) throw new Error("no active model");
		const [range] = await chunkRanges(database.db, 100);
		if (!range) throw new Error("no range");
		const tenDaysAgo = new Date(TEST_NOW.getTime() - 10 * DAY);
		const then = await replayRange(database.db, model.model, range, {
			asOf: tenDaysAgo.getTime(),
			eventsUpTo: tenDaysAgo,
		});
		const now = await replayRange(database.db, model.model, range, { asOf: TEST_NOW.getTime() });
		expect(then.map((l) => l.events)).toEqual(then.map(() => 2)); // identify and pricing; not the demo request
		expect(then.every((l) => !l.score.qualification.qualified)).toBe(true);
		expect(now.map((l) => l.score.qualification.reason)).toEqual(now.map(() => expect.stringMatching(/hand-raiser/)));
	});
});
