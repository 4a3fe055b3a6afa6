import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { getLead } from "../src/app/leads.js";
import { leadIdOf } from "../src/app/outcomes.js";
import { refreshDuePredictions } from "../src/app/predict-leads.js";
import { trainAndScore, trainPredictive } from "../src/app/predictive.js";
import { retrainIfDue, retrainSchedule, setRetrainSchedule } from "../src/app/predictive-schedule.js";
import { createDraft, publishModel } from "../src/app/scoring-models.js";
import { DEFAULT_MODEL } from "../src/domain/scoring/default-model.js";
import type { Database } from "../src/storage/database.js";
import { PREDICTIONS_REFRESH } from "../src/storage/job-constants.js";
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
		// rule points from the fitted regression: the planted signals earn points, the leaky tag none
		const points = (key: string) => card.suggestedRules.find((r) => r.key === key)?.points ?? 0;
		expect(points("track:Case Study Read")).toBeGreaterThan(0);
		expect(points("industry=Software")).toBeGreaterThan(0);
		expect(card.suggestedRules.some((r) => r.key.startsWith("salesTag"))).toBe(false);
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

	it("predicts a lead again when its history changes, and makes it an MQL when a model's chance gate opens", async () => {
		const chanceOf = async (userId: string) => {
			const id = await leadIdOf(database.db, { externalId: userId });
			return database.db
				.selectFrom("leads")
				.select(["id", "predicted_chance", "prediction_due", "stage"])
				.where("id", "=", id ?? "")
				.executeTakeFirstOrThrow();
		};
		const pending = () =>
			database.db
				.selectFrom("jobs")
				.select("id")
				.where("kind", "=", PREDICTIONS_REFRESH)
				.where("done_at", "is", null)
				.execute();
		await database.db.deleteFrom("jobs").where("kind", "=", PREDICTIONS_REFRESH).execute();
		// a new lead arrives: it is due a prediction, and the worker is asked for one (once)
		const arrive = (messages: Record<string, unknown>[]) =>
			ingestBatch(database.db, messages, { receivedAt: TEST_NOW }).then((r) => expect(r.errors).toEqual([]));
		await arrive([
			{ type: "identify", messageId: "new-i", userId: "newbie", traits: { email: "new@shop.io", industry: "Retail" } },
			{ type: "page", messageId: "new-p", userId: "newbie", name: "Home", context: { page: { path: "/" } } },
		]);
		await arrive([{ type: "page", messageId: "new-p2", userId: "newbie", context: { page: { path: "/" } } }]);
		expect((await chanceOf("newbie")).prediction_due).toBe(true);
		expect(await pending()).toHaveLength(1);
		expect(await refreshDuePredictions(database.db, TEST_NOW)).toBe(1);
		const before = await chanceOf("newbie");
		expect(before.prediction_due).toBe(false);
		expect(before.predicted_chance).toBeGreaterThan(0);
		expect(await refreshDuePredictions(database.db, TEST_NOW)).toBe(0); // nothing left due

		// a model that qualifies on the chance alone, set just above the newbie's
		const gate = (before.predicted_chance ?? 0) + 1e-6;
		const draft = await createDraft(database.db, {
			document: {
				...DEFAULT_MODEL,
				name: "Chance gate",
				qualification: { fitAtLeast: -1000, engagementAtLeast: -1000, chanceAtLeast: gate },
			},
		});
		await publishModel(database.db, draft.id, { name: "test", now: TEST_NOW });
		// it reads a case study, as the converters did: on arrival its chance is the old one, still shut
		await arrive([{ type: "track", messageId: "new-r", userId: "newbie", event: "Case Study Read" }]);
		expect((await chanceOf("newbie")).stage).toBe("lead");
		// predicted again, its chance rises past the gate and it becomes an MQL in the same step
		expect(await refreshDuePredictions(database.db, TEST_NOW)).toBe(1);
		const after = await chanceOf("newbie");
		expect(after.predicted_chance).toBeGreaterThan(gate);
		expect(after.stage).toBe("mql");
		const move = await database.db
			.selectFrom("stage_changes")
			.select("reason")
			.where("lead_id", "=", after.id)
			.where("to_stage", "=", "mql")
			.executeTakeFirstOrThrow();
		expect(move.reason).toMatch(/predicted chance .* ≥ /);
	});

	it("retrains on its schedule: not before it is due, then on the leads known the horizon before", async () => {
		const DAY = 86_400_000;
		const schedule = await setRetrainSchedule(database.db, {
			everyDays: 7,
			horizonDays: 20,
			afterOutcome: ["salesTag"],
			now: TEST_NOW,
		});
		expect(schedule.nextAt).toBe(new Date(TEST_NOW.getTime() + 7 * DAY).toISOString());
		const models = () => database.db.selectFrom("predictive_models").select("id").execute();
		const kept = (await models()).length;
		expect(await retrainIfDue(database.db, new Date(TEST_NOW.getTime() + 6 * DAY))).toBeNull();
		const week = new Date(TEST_NOW.getTime() + 7 * DAY);
		const card = await retrainIfDue(database.db, week);
		expect(card?.cutoff).toBe(new Date(week.getTime() - 20 * DAY).toISOString());
		expect(card?.leaky).toEqual([]); // salesTag stays out, as scheduled
		expect(await models()).toHaveLength(kept + 1);
		expect((await retrainSchedule(database.db))?.nextAt).toBe(new Date(week.getTime() + 7 * DAY).toISOString());
		// the same moment again: already claimed, nothing runs twice
		expect(await retrainIfDue(database.db, week)).toBeNull();
	});

	it("keeps out a trait named as set after the outcome, and says when there is too little to learn from", async () => {
		const card = await trainPredictive(database.db, { cutoff: new Date(daysAgo(20)), afterOutcome: ["salesTag"] });
		expect(card.leaky).toEqual([]);
		await expect(trainPredictive(database.db, { cutoff: new Date(daysAgo(5)) })).rejects.toThrow(/Too few outcomes/);
	});
});
