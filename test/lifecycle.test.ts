import { BlockList } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiKey } from "../src/app/api-keys.js";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { createUser } from "../src/app/users.js";
import { createEndpoint } from "../src/app/webhook-endpoints.js";
import { fixedClock } from "../src/domain/clock.js";
import { createApp } from "../src/http/app.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";

const NOW = new Date("2026-11-01T12:00:00Z");
const lead = (userId: string, extra: Record<string, unknown> = {}) => ({
	type: "identify",
	messageId: `${userId}-id`,
	userId,
	traits: { email: `${userId}@northwind.com`, seniority: "VP", industry: "Software", companySize: "201-1000" },
	timestamp: "2026-10-30T10:00:00Z",
	...extra,
});
const demoRequest = (userId: string, n = 1) => ({
	type: "track",
	messageId: `${userId}-demo-${n}`,
	userId,
	event: "Demo Requested",
	timestamp: `2026-10-31T10:0${n}:00Z`,
});

describe.each(backends())("lifecycle on $name", (backend) => {
	let database: Database;
	let app: ReturnType<typeof createApp>;
	let secret: string;
	const call = (method: string, path: string, body?: unknown) =>
		app.request(path, {
			method,
			headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
			...(body === undefined ? {} : { body: JSON.stringify(body) }),
		});
	const leadId = async (userId: string) =>
		(await database.db.selectFrom("leads").select("id").where("user_id", "=", userId).executeTakeFirstOrThrow()).id;

	beforeEach(async () => {
		database = await backend.open();
		app = createApp({ db: database.db, clock: fixedClock(NOW) });
		secret = (await createApiKey(database.db, "secret", "admin")).key;
	});
	afterEach(async () => {
		await database.close();
	});

	it("makes a hand-raiser an MQL once, records why, and queues the webhook in the same transaction", async () => {
		await createEndpoint(
			database.db,
			{
				url: "https://hooks.example.com/qualify",
				description: "",
				events: ["lead.mql"],
				format: "standard",
				minScoreChange: 0,
			},
			new BlockList(),
		);
		await ingestBatch(database.db, [lead("ana"), demoRequest("ana")], { receivedAt: NOW });
		await ingestBatch(database.db, [demoRequest("ana", 2)], { receivedAt: NOW });
		const id = await leadId("ana");
		const history = await (await call("GET", `/v1/leads/${id}/stages`)).json();
		expect(history.data).toEqual([
			expect.objectContaining({
				from: "lead",
				to: "mql",
				actor: "automation",
				modelVersion: 1,
				causedBy: "ana-demo-1",
			}),
		]);
		expect(history.data[0].reason).toMatch(/hand-raiser/);
		const jobs = await database.db
			.selectFrom("jobs")
			.select(["kind", "payload"])
			.where("kind", "=", "webhook.deliver")
			.execute();
		expect(jobs).toHaveLength(1);
		const message = await database.db.selectFrom("webhook_messages").selectAll().executeTakeFirstOrThrow();
		expect(message.payload).toMatchObject({
			type: "lead.mql",
			data: {
				leadId: id,
				lead: { email: "ana@northwind.com" },
				score: { modelVersion: 1, qualifiedBy: "hand-raiser" },
			},
		});
	});

	it("lets sales accept or reject with a reason, and keeps a recycled lead out of MQL during its cooldown", async () => {
		await ingestBatch(database.db, [lead("bo"), demoRequest("bo"), lead("cy"), demoRequest("cy")], { receivedAt: NOW });
		const bo = await leadId("bo");
		const cy = await leadId("cy");
		expect((await call("POST", `/v1/leads/${bo}/stage`, { to: "sql" })).status).toBe(204);
		const missing = await call("POST", `/v1/leads/${cy}/stage`, { to: "recycled" });
		expect(missing.status).toBe(400);
		expect((await missing.json()).error.problems[0].field).toBe("rejection");
		expect((await call("POST", `/v1/leads/${bo}/stage`, { to: "lead" })).status).toBe(400);
		expect((await call("POST", `/v1/leads/${bo}/stage`, { to: "sql" })).status).toBe(409);
		const recycle = { to: "recycled", rejection: "no_need_now", note: "back in Q3", cooldownDays: 30 };
		expect((await call("POST", `/v1/leads/${cy}/stage`, recycle)).status).toBe(204);
		// the stored score still qualifies; a fresh crossing inside the cooldown must not requalify it
		await database.db.updateTable("lead_scores").set({ qualified: false }).where("lead_id", "=", cy).execute();
		await ingestBatch(database.db, [demoRequest("cy", 2)], { receivedAt: NOW });
		const stages = await (await call("GET", `/v1/leads/${cy}/stages`)).json();
		expect(stages.data.map((s: { to: string }) => s.to)).toEqual(["recycled", "mql"]);
		expect(stages.data[0]).toMatchObject({ rejection: "no_need_now", note: "back in Q3", actor: "admin" });
		const detail = await (await call("GET", `/v1/leads/${bo}`)).json();
		expect(detail.stage).toBe("sql");
	});

	it("never dates a new MQL before the lead's last stage change, however old the event that qualified it", async () => {
		await ingestBatch(database.db, [lead("ed"), demoRequest("ed")], { receivedAt: NOW });
		const ed = await leadId("ed");
		const recycle = { to: "recycled", rejection: "no_need_now" };
		expect((await call("POST", `/v1/leads/${ed}/stage`, recycle)).status).toBe(204);
		await database.db.updateTable("lead_scores").set({ qualified: false }).where("lead_id", "=", ed).execute();
		// a late-arriving event from before the recycle makes the lead cross again
		await ingestBatch(database.db, [demoRequest("ed", 2)], { receivedAt: new Date(NOW.getTime() + 3_600_000) });
		const stages = (await (await call("GET", `/v1/leads/${ed}/stages`)).json()).data as { to: string; at: string }[];
		expect(stages.map((s) => s.to)).toEqual(["mql", "recycled", "mql"]);
		const [again, recycled] = stages;
		expect(new Date(again?.at ?? 0).getTime()).toBeGreaterThanOrEqual(new Date(recycled?.at ?? 0).getTime());
	});

	it("sends lead.score_changed only when engagement moves at least the endpoint's minimum", async () => {
		await createEndpoint(
			database.db,
			{
				url: "https://hooks.example.com/scores",
				description: "",
				events: ["lead.score_changed"],
				format: "standard",
				minScoreChange: 20,
			},
			new BlockList(),
		);
		await ingestBatch(
			database.db,
			[lead("dee"), { type: "page", messageId: "dee-blog", userId: "dee", properties: { path: "/blog/x" } }],
			{ receivedAt: NOW },
		);
		const messages = () => database.db.selectFrom("webhook_messages").select(["type", "payload"]).execute();
		expect(await messages()).toEqual([]);
		await ingestBatch(database.db, [demoRequest("dee")], { receivedAt: NOW });
		const sent = (await messages()).filter((m) => m.type === "lead.score_changed");
		expect(sent).toHaveLength(1);
		const data = (sent[0]?.payload as { data: { change: number; leadId: string } }).data;
		expect(data.change).toBeGreaterThan(30);
		expect(data.leadId).toBe(await leadId("dee"));
		const jobs = await database.db.selectFrom("jobs").select("payload").where("kind", "=", "webhook.deliver").execute();
		expect(jobs).toHaveLength(1);
	});

	it("offers each caller the moves the table allows them from the lead's stage", async () => {
		await ingestBatch(database.db, [lead("moe"), demoRequest("moe")], { receivedAt: NOW });
		const id = await leadId("moe");
		const asAdmin = await (await call("GET", `/v1/leads/${id}/moves`)).json();
		expect(asAdmin.stage).toBe("mql");
		expect(asAdmin.moves).toContainEqual({ to: "sql", needs: [] });
		expect(asAdmin.moves).toContainEqual({ to: "recycled", needs: ["rejection"] });
		expect(asAdmin.moves).toContainEqual({ to: "customer", needs: ["reason"] }); // a correction
		await createUser(database.db, { email: "sam@sales.io", name: "Sam", role: "sales", password: "sales password 1" });
		const signedIn = await app.request("/v1/session", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ email: "sam@sales.io", password: "sales password 1" }),
		});
		const cookie = (signedIn.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
		const asSales = await (await app.request(`/v1/leads/${id}/moves`, { headers: { cookie } })).json();
		expect(asSales.moves.map((m: { to: string }) => m.to).sort()).toEqual(["disqualified", "recycled", "sql"]);
		expect((await call("GET", "/v1/leads/00000000-0000-4000-8000-000000000000/moves")).status).toBe(404);
	});
});
