import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { trainPredictive } from "../src/app/predictive.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { TEST_NOW } from "./support/clock.js";
import { daysAgo, plantedHistory } from "./support/planted.js";

describe.each(backends())("the predictive score on $name", (backend) => {
	let database: Database;
	beforeAll(async () => {
		database = await backend.open();
		await plantedHistory(database.db);
		// a trait a rep sets once the deal is decided: it gives the outcome away
		const tags = Array.from({ length: 200 }, (_, i) => ({
			type: "identify",
			messageId: `u${i}-tag`,
			userId: `u${i}`,
			traits: { salesTag: i % 4 === 0 ? "closed-won" : "nurture" },
			timestamp: daysAgo(39),
		}));
		expect((await ingestBatch(database.db, tags, { receivedAt: TEST_NOW, history: true })).errors).toEqual([]);
	}, 120_000);
	afterAll(async () => database.close());

	it("learns the planted signals as of a cut-off, reports both learners, and flags the leaky column", async () => {
		const progress: number[] = [];
		const card = await trainPredictive(database.db, {
			cutoff: new Date(daysAgo(20)),
			onProgress: (n) => progress.push(n),
		});
		// all 200 were known 20 days ago, and none had converted yet
		expect(card).toMatchObject({ leads: 200, converted: 50 });
		expect(progress.at(-1)).toBe(200);
		expect(card.leaky.map((l) => l.column).sort()).toEqual(["salesTag=closed-won", "salesTag=nurture"]);
		expect(card.auc.logistic).toBeGreaterThan(0.7);
		expect(card.auc.boosted).toBeGreaterThan(0.7);
		expect(card.chosen).toBe((card.auc.boosted ?? 0) > (card.auc.logistic ?? 0) ? "boosted" : "logistic");
		const drivers = card.drivers.map((d) => d.column);
		expect(drivers).toEqual(expect.arrayContaining(["track:Case Study Read"]));
		expect(drivers.some((d) => d.startsWith("industry="))).toBe(true);
		// the invoice came after the cut-off: it is not even a column
		expect(drivers).not.toContain("track:Invoice Paid");
		expect(card.calibration.reduce((n, row) => n + row.leads, 0)).toBe(200);
	});

	it("keeps out a trait named as set after the outcome, and says when there is too little to learn from", async () => {
		const card = await trainPredictive(database.db, { cutoff: new Date(daysAgo(20)), afterOutcome: ["salesTag"] });
		expect(card.leaky).toEqual([]);
		await expect(trainPredictive(database.db, { cutoff: new Date(daysAgo(5)) })).rejects.toThrow(/Too few outcomes/);
	});
});
