import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiKey } from "../src/app/api-keys.js";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { createApp } from "../src/http/app.js";
import { slaCheck } from "../src/jobs/sla-check.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { received, TEST_NOW, testClock } from "./support/clock.js";
import { keyCaller } from "./support/sessions.js";

// each lead at a company of its own: colleagues would all go to their company's owner (see accounts)
const mql = (user: string, traits: Record<string, unknown>) => [
	{ type: "identify", messageId: `${user}-i`, userId: user, traits: { email: `${user}@${user}.acme.io`, ...traits } },
	{
		type: "track",
		messageId: `${user}-d`,
		userId: user,
		event: "Demo Requested",
		context: { campaign: { source: "linkedin" } },
	},
];

describe.each(backends())("sales handoff on $name", (backend) => {
	let database: Database;
	let app: ReturnType<typeof createApp>;
	let clock: ReturnType<typeof testClock>;
	let secret: string;
	const call = keyCaller(() => ({ app, key: secret }));
	const handoffOf = async (user: string) => {
		const leads = (await call("GET", `/v1/leads?q=${user}%40${user}.acme.io`)).body.data;
		type Row = Record<string, unknown> & { id: string; leadId: string; ownerId: string | null };
		const queue = (await call("GET", "/v1/handoffs")).body.data as Row[];
		const found = queue.find((h) => h.leadId === leads[0].id);
		if (!found) throw new Error(`no handoff for ${user}`);
		return found;
	};

	beforeEach(async () => {
		database = await backend.open();
		clock = testClock();
		app = createApp({ db: database.db, clock });
		secret = (await createApiKey(database.db, "secret", "admin")).key;
	});
	afterEach(async () => {
		await database.close();
	});

	async function setUpTeams() {
		const global = (
			await call("POST", "/v1/teams", { name: "Global", timezone: "America/New_York", escalation: "reassign" })
		).body;
		const dach = (await call("POST", "/v1/teams", { name: "DACH", timezone: "Europe/Berlin", slaMinutes: 30 })).body;
		const owner = async (name: string, teamId: string, extra: Record<string, unknown> = {}) =>
			(await call("POST", "/v1/owners", { name, email: `${name}@sales.io`, teamId, ...extra })).body.id as string;
		const ids = {
			global: global.id as string,
			dach: dach.id as string,
			anna: await owner("anna", dach.id),
			away: await owner("bert", dach.id, { away: true }),
			gus: await owner("gus", global.id, { maxOpen: 1 }),
			hal: await owner("hal", global.id, { maxOpen: 1 }),
		};
		await call("POST", "/v1/routing-rules", {
			name: "named account",
			position: 0,
			condition: { field: "company", op: "equals", value: "BigCo" },
			teamId: ids.global,
			ownerId: ids.hal,
		});
		const dachRule = await call("POST", "/v1/routing-rules", {
			name: "DACH territory",
			position: 1,
			condition: { field: "country", op: "in", value: ["Germany", "Austria", "Switzerland"] },
			teamId: ids.dach,
		});
		expect(dachRule.status).toBe(201);
		return ids;
	}

	it("routes each MQL by rule, then round-robin within the team, skipping the away and the full", async () => {
		const ids = await setUpTeams();
		const bad = await call("POST", "/v1/routing-rules", {
			name: "broken",
			position: 2,
			condition: { field: "country", op: "between", value: [3, 1] },
			teamId: ids.global,
		});
		expect(bad.status).toBe(400);
		expect(bad.body.error.problems[0].field).toBe("condition.value");

		await ingestBatch(database.db, mql("de", { country: "Germany" }), received);
		await ingestBatch(database.db, mql("us1", { country: "United States" }), received);
		await ingestBatch(database.db, mql("us2", { country: "United States" }), received);
		await ingestBatch(database.db, mql("us3", { country: "United States" }), received);
		expect((await handoffOf("de")).ownerId).toBe(ids.anna);
		expect((await handoffOf("de")).routedBy).toBe("rule: DACH territory");
		const [us1, us2, us3] = [await handoffOf("us1"), await handoffOf("us2"), await handoffOf("us3")];
		expect(new Set([us1.ownerId, us2.ownerId])).toEqual(new Set([ids.gus, ids.hal]));
		expect(us3.ownerId).toBeNull(); // both Global owners are at their cap
		expect(us1.routedBy).toBe("default team");
		expect(us1.lead).toMatchObject({
			email: "us1@us1.acme.io",
			grade: expect.any(String),
			why: expect.stringMatching(/hand-raiser/),
		});
		expect(us1.source).toBe("linkedin");
		const owners = (await call("GET", `/v1/owners?teamId=${ids.global}`)).body.data;
		expect(owners.map((o: { openHandoffs: number }) => o.openHandoffs)).toEqual([1, 1]);
	});

	it("accepts, rejects with a reason, and reports speed to lead and acceptance", async () => {
		await setUpTeams();
		await ingestBatch(database.db, mql("a1", { country: "Germany" }), received);
		await ingestBatch(database.db, mql("a2", { country: "Germany" }), received);
		const first = await handoffOf("a1");
		const second = await handoffOf("a2");
		expect((await call("POST", `/v1/handoffs/${first.id}/touch`, { kind: "call" })).body.firstTouchKind).toBe("call");
		const accepted = await call("POST", `/v1/handoffs/${first.id}/accept`);
		expect(accepted.body.status).toBe("accepted");
		expect((await call("GET", `/v1/leads/${first.leadId}`)).body.stage).toBe("sql");
		expect((await call("POST", `/v1/handoffs/${first.id}/accept`)).status).toBe(409);
		clock.set(new Date(TEST_NOW.getTime() + 60_000)); // sales decides a minute after the events
		const rejected = await call("POST", `/v1/handoffs/${second.id}/reject`, {
			rejection: "no_budget",
			note: "ask again next year",
			cooldownDays: 60,
			resetScore: true,
		});
		expect(rejected.body).toMatchObject({ status: "rejected", rejection: "no_budget" });
		expect((await call("GET", `/v1/leads/${second.leadId}`)).body).toMatchObject({ stage: "recycled" });
		const stages = (await call("GET", `/v1/leads/${second.leadId}/stages`)).body.data;
		expect(stages[0]).toMatchObject({ from: "mql", to: "recycled", actor: "sales", rejection: "no_budget" });
		// the score was reset: the old demo request no longer counts
		const score = (await call("GET", `/v1/leads/${second.leadId}/score`)).body;
		expect(score.engagement).toBe(0);

		const from = new Date(TEST_NOW.getTime() - 3_600_000).toISOString();
		const to = new Date(TEST_NOW.getTime() + 3_600_000).toISOString();
		const metrics = (await call("GET", `/v1/metrics/handoffs?by=team&from=${from}&to=${to}`)).body.data;
		expect(metrics).toEqual([
			expect.objectContaining({
				label: "DACH",
				handoffs: 2,
				accepted: 1,
				rejected: 1,
				acceptanceRate: 0.5,
				rejections: { no_budget: 1 },
			}),
		]);
		expect(metrics[0].speedToLeadMedian).toBeGreaterThanOrEqual(0);
	});

	it("breaches the first-touch SLA, tells the webhooks and hands the lead to the next owner", async () => {
		const ids = await setUpTeams();
		await ingestBatch(database.db, mql("late", { country: "United States" }), received);
		const handoff = await handoffOf("late");
		const job = await database.db
			.selectFrom("jobs")
			.select(["id", "payload", "run_at"])
			.where("kind", "=", "handoff.sla_check")
			.executeTakeFirstOrThrow();
		expect(new Date(job.run_at).getTime()).toBe(new Date(String(handoff.slaDueAt)).getTime());
		await database.db
			.updateTable("handoffs")
			.set({ sla_due_at: new Date(Date.now() - 1000) })
			.execute();
		await slaCheck(database.db)({
			id: job.id,
			kind: "handoff.sla_check",
			payload: job.payload,
			attempts: 1,
			maxAttempts: 20,
		});
		const after = await handoffOf("late");
		expect(after.ownerId).not.toBe(handoff.ownerId);
		expect([ids.gus, ids.hal]).toContain(after.ownerId);
		expect(after.breachedAt).not.toBeNull();
		const message = await database.db
			.selectFrom("webhook_messages")
			.select("payload")
			.where("type", "=", "handoff.sla_breached")
			.executeTakeFirstOrThrow();
		expect(message.payload).toMatchObject({ data: { reassignedTo: after.ownerId, team: { name: "Global" } } });

		// The new owner's due time has its own timer; a second miss escalates again.
		const second = await database.db
			.selectFrom("jobs")
			.select(["id", "payload", "run_at"])
			.where("kind", "=", "handoff.sla_check")
			.where("id", "!=", job.id)
			.executeTakeFirstOrThrow();
		expect(new Date(second.run_at).getTime()).toBe(new Date(String(after.slaDueAt)).getTime());
		const check = () =>
			slaCheck(database.db)({
				id: second.id,
				kind: "handoff.sla_check",
				payload: second.payload,
				attempts: 1,
				maxAttempts: 20,
			});
		await check(); // not due yet: nothing happens
		expect((await handoffOf("late")).ownerId).toBe(after.ownerId);
		// an hour on: the first breach was an hour ago, the new due time has just passed
		await database.db
			.updateTable("handoffs")
			.set({ breached_at: new Date(Date.now() - 3_600_000), sla_due_at: new Date(Date.now() - 1000) })
			.execute();
		await check();
		const third = await handoffOf("late");
		expect(third.ownerId).not.toBe(after.ownerId);
		await check(); // the same breach is not escalated twice
		expect((await handoffOf("late")).ownerId).toBe(third.ownerId);
		const breaches = await database.db
			.selectFrom("webhook_messages")
			.select("id")
			.where("type", "=", "handoff.sla_breached")
			.execute();
		expect(breaches).toHaveLength(2);
	});

	it("keeps a named account's lead with the account's owner when its SLA is missed", async () => {
		const ids = await setUpTeams();
		await ingestBatch(database.db, mql("vip", { country: "United States" }), received);
		const handoff = await handoffOf("vip");
		const account = await database.db
			.selectFrom("leads")
			.select("account_id")
			.where("id", "=", handoff.leadId)
			.executeTakeFirstOrThrow();
		expect(account.account_id).not.toBeNull();
		const named = await call("PATCH", `/v1/accounts/${account.account_id}`, { ownerId: handoff.ownerId, named: true });
		expect(named.body).toMatchObject({ named: true, ownerId: handoff.ownerId });
		const job = await database.db
			.selectFrom("jobs")
			.select(["id", "payload"])
			.where("kind", "=", "handoff.sla_check")
			.executeTakeFirstOrThrow();
		await database.db
			.updateTable("handoffs")
			.set({ sla_due_at: new Date(Date.now() - 1000) })
			.execute();
		await slaCheck(database.db)({
			id: job.id,
			kind: "handoff.sla_check",
			payload: job.payload,
			attempts: 1,
			maxAttempts: 20,
		});
		const after = await handoffOf("vip");
		expect(after.breachedAt).not.toBeNull(); // told
		expect(after.ownerId).toBe(handoff.ownerId); // not re-routed
		expect([ids.gus, ids.hal]).toContain(after.ownerId);
		const message = await database.db
			.selectFrom("webhook_messages")
			.select("payload")
			.where("type", "=", "handoff.sla_breached")
			.executeTakeFirstOrThrow();
		expect(message.payload).toMatchObject({ data: { reassignedTo: null } });
	});
});
