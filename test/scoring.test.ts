import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { explainLeadScore } from "../src/app/lead-score.js";
import { updateLead } from "../src/app/leads.js";
import { rescoreAll } from "../src/app/rescore.js";
import { createDraft, publishModel } from "../src/app/scoring-models.js";
import { demoFunnel } from "../src/domain/demo-funnel.js";
import { DEFAULT_MODEL } from "../src/domain/scoring/default-model.js";
import { jobHandlers } from "../src/jobs/handlers.js";
import { claimJobs } from "../src/jobs/queue.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { received, TEST_NOW, testClock } from "./support/clock.js";
import { scoreStates, shuffledBatches } from "./support/score-snapshot.js";

const NOW = new Date("2026-11-01T00:00:00Z");

function demoMessages(leads: number, seed: number) {
	return [...demoFunnel({ leads, seed, now: NOW })].flatMap((l) => l.messages);
}

describe.each(backends())("scoring on $name", (backend) => {
	let database: Database;
	beforeEach(async () => {
		database = await backend.open();
	});
	afterEach(async () => {
		await database.close();
	});

	it("scores on ingest, out of order and retried, exactly as a full rescore does", async () => {
		for (const batch of shuffledBatches(demoMessages(40, 3), 9, 37)) {
			await ingestBatch(database.db, batch, { receivedAt: NOW });
		}
		const incremental = await scoreStates(database.db, 1);
		const leads = await database.db.selectFrom("leads").select("id").where("merged_into", "is", null).execute();
		expect(Object.keys(incremental).sort()).toEqual(leads.map((l) => l.id).sort());
		const summary = await rescoreAll(database.db, { chunkSize: 7, now: NOW });
		expect(summary.leads).toBe(leads.length);
		expect(await scoreStates(database.db, 1)).toEqual(incremental);
		expect(summary.qualified).toBeGreaterThan(0);
	});

	it("explains a score, then and now", async () => {
		const at = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();
		await ingestBatch(
			database.db,
			[
				{
					type: "identify",
					messageId: "i1",
					userId: "u1",
					traits: { email: "ana@northwind.com", seniority: "VP", industry: "Software", companySize: "51-200" },
					timestamp: at(20),
				},
				{ type: "page", messageId: "p1", userId: "u1", properties: { path: "/pricing" }, timestamp: at(14) },
				{ type: "track", messageId: "t1", userId: "u1", event: "Demo Requested", timestamp: at(1) },
			],
			{ receivedAt: NOW },
		);
		const lead = await database.db.selectFrom("leads").select("id").executeTakeFirstOrThrow();
		const now = await explainLeadScore(database.db, lead.id, { at: NOW });
		expect(now).toMatchObject({ modelVersion: 1, fit: 40, grade: "A" });
		expect(now.qualification).toMatchObject({ qualified: true, by: "hand-raiser" });
		const pricing = now.engagementRules.find((r) => r.id === "pricing-visit");
		expect(pricing?.pointsNow).toBeCloseTo(5, 9);
		expect(pricing?.events).toEqual([
			expect.objectContaining({ messageId: "p1", event: "/pricing", points: 10, at: at(14) }),
		]);
		const before = await explainLeadScore(database.db, lead.id, { at: new Date(at(2)) });
		expect(before.qualification.qualified).toBe(false);
		// the visit was at midnight UTC and the lead gave no zone: after hours, too
		expect(before.engagementRules.map((r) => r.id)).toEqual(["pricing-visit", "after-hours-pricing"]);
	});

	it("rescores a lead whose traits change, in the same transaction", async () => {
		await ingestBatch(
			database.db,
			[{ type: "identify", messageId: "i1", userId: "u1", traits: { email: "bo@gmail.com" } }],
			received,
		);
		const lead = await database.db.selectFrom("leads").select("id").executeTakeFirstOrThrow();
		const fitOf = async () =>
			(
				await database.db
					.selectFrom("lead_scores")
					.select("fit")
					.where("lead_id", "=", lead.id)
					.executeTakeFirstOrThrow()
			).fit;
		expect(await fitOf()).toBe(-15);
		await updateLead(database.db, lead.id, { traits: { seniority: "C-level" } }, TEST_NOW);
		expect(await fitOf()).toBe(5);
	});

	it("publishes a new version and rescores every lead while ingest goes on", async () => {
		const messages = demoMessages(30, 5);
		const half = Math.floor(messages.length / 2);
		await ingestBatch(database.db, messages.slice(0, half), { receivedAt: NOW });
		const draft = await createDraft(database.db, {
			document: {
				...DEFAULT_MODEL,
				name: "pricing-heavy",
				bands: { grade: { A: 40, B: 25, C: 10 }, temperature: { hot: 30, warm: 10 } },
			},
		});
		const published = await publishModel(database.db, draft.id, { name: "Ada", now: TEST_NOW });
		expect(published).toMatchObject({
			status: "published",
			version: 2,
			active: true,
			publishedBy: "Ada",
			publishedAt: TEST_NOW.toISOString(),
		});
		const [job] = await claimJobs(database.db, ["rescore"], 1);
		if (!job) throw new Error("publishing must queue a rescore");
		// the rescore and the second half of the events run at the same time
		await Promise.all([
			jobHandlers(database.db, { clock: testClock() }).rescore?.(job),
			(async () => {
				for (let i = half; i < messages.length; i += 50)
					await ingestBatch(database.db, messages.slice(i, i + 50), { receivedAt: NOW });
			})(),
		]);
		const live = await scoreStates(database.db, 2);
		await rescoreAll(database.db, { version: 2, now: NOW });
		expect(await scoreStates(database.db, 2)).toEqual(live);
		const leads = await database.db.selectFrom("leads").select("id").where("merged_into", "is", null).execute();
		expect(Object.keys(live)).toHaveLength(leads.length);
	});

	it("merges two scored leads into one whose score holds both histories", async () => {
		await ingestBatch(
			database.db,
			[
				{
					type: "page",
					messageId: "a1",
					anonymousId: "anon",
					properties: { path: "/pricing" },
					timestamp: "2026-10-30T10:00:00Z",
				},
				{
					type: "identify",
					messageId: "a2",
					userId: "u9",
					traits: { email: "kim@acme.io" },
					timestamp: "2026-10-30T11:00:00Z",
				},
				{ type: "track", messageId: "a3", userId: "u9", event: "Trial Started", timestamp: "2026-10-30T12:00:00Z" },
			],
			{ receivedAt: NOW },
		);
		expect(await database.db.selectFrom("lead_scores").select("lead_id").execute()).toHaveLength(2);
		await ingestBatch(database.db, [{ type: "alias", messageId: "a4", userId: "u9", previousId: "anon" }], {
			receivedAt: NOW,
		});
		const scores = await database.db.selectFrom("lead_scores").select(["lead_id", "state"]).execute();
		expect(scores).toHaveLength(1);
		const state = scores[0]?.state as { hits: Record<string, unknown> };
		expect(Object.keys(state.hits).sort()).toEqual(["pricing-visit", "trial-started"]);
	});

	it("reads local time in the lead's zone for events without one, and rebuilds when the zone changes", async () => {
		const identify = (messageId: string, timezone: string) => ({
			type: "identify",
			messageId,
			userId: "tz",
			traits: { email: "tz@acme.io", timezone },
			timestamp: "2026-10-30T00:00:00Z",
		});
		// 03:00 UTC is noon in Tokyo and 20:00 the evening before in Los Angeles
		const visit = {
			type: "page",
			messageId: "v1",
			userId: "tz",
			properties: { path: "/pricing" },
			timestamp: "2026-10-30T03:00:00Z",
		};
		await ingestBatch(database.db, [identify("z1", "Asia/Tokyo"), visit], { receivedAt: NOW });
		const lead = await database.db.selectFrom("leads").select("id").executeTakeFirstOrThrow();
		const rules = async () =>
			(await explainLeadScore(database.db, lead.id, { at: NOW })).engagementRules.map((r) => r.id);
		expect(await rules()).not.toContain("after-hours-pricing");
		await ingestBatch(database.db, [identify("z2", "America/Los_Angeles")], { receivedAt: NOW });
		expect(await rules()).toContain("after-hours-pricing");
		const stored = await scoreStates(database.db, 1);
		await rescoreAll(database.db, { now: NOW });
		expect(await scoreStates(database.db, 1)).toEqual(stored);
		expect((stored[lead.id] as { zone: string }).zone).toBe("America/Los_Angeles");
	});
});
