import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { getLead } from "../src/app/leads.js";
import { leadIdOf } from "../src/app/outcomes.js";
import { trainAndScore, trainPredictive } from "../src/app/predictive.js";
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

	it("keeps the model and scores every lead with its chance and the reasons that weigh most", async () => {
		const { card, scored, modelId } = await trainAndScore(database.db, {
			cutoff: new Date(daysAgo(20)),
			now: TEST_NOW,
			afterOutcome: ["salesTag"],
		});
		expect(scored).toBe(200);
		expect(card.leaky).toEqual([]);
		const stored = await database.db.selectFrom("lead_predictions").selectAll().execute();
		expect(stored).toHaveLength(200);
		expect(stored.every((p) => p.model_id === modelId && p.probability >= 0 && p.probability <= 1)).toBe(true);
		// a case-study reader in software is predicted higher than a retail lead who read nothing
		const reader = await leadIdOf(database.db, { externalId: "u0" }); // converter: reads, software
		const idle = await leadIdOf(database.db, { externalId: "u5" }); // retail, read nothing
		const chance = (id: string | null) => stored.find((p) => p.lead_id === id)?.probability ?? 0;
		expect(chance(reader)).toBeGreaterThan(chance(idle));
		// each reason is a column whose typical value would lower the chance, the heaviest first
		const saved = await database.db
			.selectFrom("predictive_models")
			.select("columns")
			.where("id", "=", modelId)
			.executeTakeFirstOrThrow();
		const columns = new Set((saved.columns as Array<{ name: string }>).map((c) => c.name));
		const withReasons = stored.filter((p) => (p.reasons as unknown[]).length > 0);
		expect(withReasons.length).toBeGreaterThan(0);
		for (const p of withReasons) {
			const reasons = p.reasons as Array<{ column: string; effect: number }>;
			expect(reasons.every((r) => r.effect > 0 && r.effect <= p.probability)).toBe(true);
			expect(reasons.map((r) => r.effect)).toEqual([...reasons.map((r) => r.effect)].sort((a, b) => b - a));
			expect(reasons.every((r) => columns.has(r.column))).toBe(true);
		}
		// the lead's page shows it
		const lead = await getLead(database.db, reader ?? "");
		expect(lead.prediction?.probability).toBeCloseTo(chance(reader), 9);
	});

	it("keeps out a trait named as set after the outcome, and says when there is too little to learn from", async () => {
		const card = await trainPredictive(database.db, { cutoff: new Date(daysAgo(20)), afterOutcome: ["salesTag"] });
		expect(card.leaky).toEqual([]);
		await expect(trainPredictive(database.db, { cutoff: new Date(daysAgo(5)) })).rejects.toThrow(/Too few outcomes/);
	});
});
