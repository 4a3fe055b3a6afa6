import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiKey } from "../src/app/api-keys.js";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { allowListOf } from "../src/app/outbound-http.js";
import { createUser } from "../src/app/users.js";
import { createApp } from "../src/http/app.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { received, testClock } from "./support/clock.js";
import { keyCaller, sessions } from "./support/sessions.js";

// each at a company of its own: colleagues would all go to their company's owner (see accounts)
const handRaiser = (user: string, traits: Record<string, unknown> = {}) => [
	{ type: "identify", messageId: `${user}-i`, userId: user, traits: { email: `${user}@${user}.acme.io`, ...traits } },
	{ type: "track", messageId: `${user}-d`, userId: user, event: "Demo Requested" },
];

describe.each(backends())("each person's sales day on $name", (backend) => {
	let database: Database;
	let app: ReturnType<typeof createApp>;
	let secret: string;
	const clock = testClock();
	const call = keyCaller(() => ({ app, key: secret }));

	beforeEach(async () => {
		database = await backend.open();
		app = createApp({ db: database.db, clock, webhookAllow: allowListOf("127.0.0.2/32") });
		secret = (await createApiKey(database.db, "secret", "admin")).key;
	});
	afterEach(async () => database.close());

	/** One team, two reps who sign in as their owners, a manager who sees all; four MQLs shared out. */
	async function twoReps() {
		const team = (await call("POST", "/v1/teams", { name: "Inside", timezone: "Europe/Berlin" })).body;
		const users = {
			rita: await createUser(database.db, {
				email: "rita@s.io",
				name: "Rita",
				role: "sales",
				password: "rita password",
			}),
			ron: await createUser(database.db, { email: "ron@s.io", name: "Ron", role: "sales", password: "ron password 1" }),
			max: await createUser(database.db, { email: "max@s.io", name: "Max", role: "sales", password: "max password 1" }),
		};
		const owner = async (name: string, userId: string | null) =>
			(await call("POST", "/v1/owners", { name, email: `${name}@owners.io`, teamId: team.id, userId })).body;
		const rita = await owner("Rita", users.rita.id);
		const ron = await owner("Ron", users.ron.id);
		expect(rita.userId).toBe(users.rita.id);
		const batch = ["a", "b", "c", "d"].flatMap((u) => handRaiser(u, u === "c" ? { phone: "+49 30 1234" } : {}));
		await ingestBatch(database.db, batch, received);
		const { signIn } = sessions(app);
		return {
			team,
			rita,
			ron,
			ritaSession: await signIn("rita@s.io", "rita password"),
			ronSession: await signIn("ron@s.io", "ron password 1"),
			maxSession: await signIn("max@s.io", "max password 1"),
		};
	}

	it("gives each rep their own queue and refuses their hands on another's; a manager sees all", async () => {
		const { rita, ron, ritaSession, ronSession, maxSession } = await twoReps();
		const { as } = sessions(app);
		expect(ritaSession.body?.user?.ownerId).toBe(rita.id);
		const everyone = (await call("GET", "/v1/handoffs?status=open")).body;
		expect(everyone.total).toBe(4);
		const ritas = await (await as(ritaSession, "GET", "/v1/handoffs?status=open")).json();
		expect(ritas.ownerId).toBe(rita.id);
		expect(ritas.data.length).toBeGreaterThan(0);
		expect(ritas.data.every((h: { ownerId: string }) => h.ownerId === rita.id)).toBe(true);
		expect(ritas.total).toBe(ritas.data.length);
		// four MQLs in one batch, at one instant: two turns each, not all to whoever sorts first
		expect(ritas.total).toBe(2);
		// asking for Ron's queue still gets her own
		const sneaky = await (await as(ritaSession, "GET", `/v1/handoffs?status=open&ownerId=${ron.id}`)).json();
		expect(sneaky.data.map((h: { id: string }) => h.id)).toEqual(ritas.data.map((h: { id: string }) => h.id));
		const ronsOne = everyone.data.find((h: { ownerId: string }) => h.ownerId === ron.id);
		const denied = await as(ritaSession, "POST", `/v1/handoffs/${ronsOne.id}/accept`);
		expect(denied.status).toBe(403);
		expect((await denied.json()).error.message).toMatch(/another rep/);
		const touchDenied = await as(ritaSession, "POST", `/v1/leads/${ronsOne.leadId}/touches`, { kind: "email" });
		expect(touchDenied.status).toBe(403);
		expect((await as(ronSession, "POST", `/v1/handoffs/${ronsOne.id}/accept`)).status).toBe(200);
		// Max signs in as sales but is no owner: a manager, who sees everyone's and filters by owner
		const all = await (await as(maxSession, "GET", "/v1/handoffs?status=open")).json();
		expect(all.total).toBe(3);
		const filtered = await (await as(maxSession, "GET", `/v1/handoffs?status=open&ownerId=${rita.id}`)).json();
		expect(filtered.total).toBe(ritas.total);
	});

	it("logs calls with outcomes, e-mails and notes on the timeline; only a real touch stops the SLA clock", async () => {
		const { rita, ritaSession } = await twoReps();
		const { as } = sessions(app);
		const mine = (await (await as(ritaSession, "GET", "/v1/handoffs?status=open")).json()).data[0];
		const note = await as(ritaSession, "POST", `/v1/leads/${mine.leadId}/touches`, {
			kind: "note",
			note: "Asked for pricing",
		});
		expect(note.status).toBe(201);
		expect((await call("GET", `/v1/handoffs/${mine.id}`)).body.firstTouchAt).toBeNull();
		const blank = await as(ritaSession, "POST", `/v1/leads/${mine.leadId}/touches`, { kind: "note", note: "   " });
		expect(blank.status).toBe(400);
		expect((await blank.json()).error.problems[0].field).toBe("note");
		const wrongOutcome = await as(ritaSession, "POST", `/v1/leads/${mine.leadId}/touches`, {
			kind: "email",
			outcome: "voicemail",
		});
		expect((await wrongOutcome.json()).error.problems[0].field).toBe("outcome");
		const call1 = await as(ritaSession, "POST", `/v1/leads/${mine.leadId}/touches`, {
			kind: "call",
			outcome: "voicemail",
		});
		expect(call1.status).toBe(201);
		const handoff = (await call("GET", `/v1/handoffs/${mine.id}`)).body;
		expect(handoff.firstTouchKind).toBe("call");
		expect(handoff.firstTouchAt).toBe(clock.now().toISOString());
		const touches = (await call("GET", `/v1/leads/${mine.leadId}/touches`)).body.data;
		expect(touches.map((t: { kind: string; outcome: string | null }) => [t.kind, t.outcome])).toEqual([
			["call", "voicemail"],
			["note", null],
		]);
		expect(touches[0].actorName).toBe("Rita");
		// the reject note and the person are on the stage history
		const rejected = await as(ritaSession, "POST", `/v1/handoffs/${mine.id}/reject`, {
			rejection: "no_budget",
			note: "Budget next year",
		});
		expect(rejected.status).toBe(200);
		const history = (await call("GET", `/v1/leads/${mine.leadId}/stages`)).body.data;
		expect(history[0]).toMatchObject({ to: "recycled", actorName: "Rita", note: "Budget next year" });
		expect(rita.openHandoffs).toBe(0);
	});

	it("shows the queue's count, consent and cooldown flags, and breaks due-time ties by grade then temperature", async () => {
		await twoReps();
		const lead = (await call("GET", "/v1/leads?q=c%40c.acme.io")).body.data[0];
		await call("PATCH", `/v1/leads/${lead.id}`, { consent: { status: "unsubscribed", source: "test" } });
		const queue = (await call("GET", "/v1/handoffs?status=open")).body;
		const c = queue.data.find((h: { leadId: string }) => h.leadId === lead.id);
		expect(c.lead).toMatchObject({ consent: "unsubscribed", phone: "+49 30 1234" });
		expect(c.team).toEqual({ name: "Inside", timezone: "Europe/Berlin" });
		const rank = { hot: 0, warm: 1, cold: 2 } as Record<string, number>;
		for (const [a, b] of queue.data.slice(1).map((h: QueueRow, i: number) => [queue.data[i], h] as const)) {
			if (a.slaDueAt !== b.slaDueAt) continue;
			const order = [a.lead.grade ?? "Z", rank[a.lead.temperature ?? ""] ?? 3];
			const next = [b.lead.grade ?? "Z", rank[b.lead.temperature ?? ""] ?? 3];
			expect(order <= next).toBe(true);
		}
	});

	it("deletes a team by moving its people, handoffs and rules to another, and edits routing rules", async () => {
		const { team, rita } = await twoReps();
		const rule = (
			await call("POST", "/v1/routing-rules", {
				name: "Germany",
				position: 0,
				condition: { field: "country", op: "equals", value: "Germany" },
				teamId: team.id,
			})
		).body;
		const edited = await call("PUT", `/v1/routing-rules/${rule.id}`, {
			...rule,
			id: undefined,
			position: 3,
			condition: { field: "country", op: "in", value: ["Germany", "Austria"] },
		});
		expect(edited.status).toBe(200);
		expect(edited.body).toMatchObject({ position: 3, condition: { op: "in" } });
		const badOp = await call("PUT", `/v1/routing-rules/${rule.id}`, {
			...rule,
			id: undefined,
			condition: { field: "country", op: "resembles", value: "x" },
		});
		expect(badOp.status).toBe(400);
		const refused = await call("DELETE", `/v1/teams/${team.id}`);
		expect(refused.status).toBe(409);
		expect(refused.body.error.message).toMatch(/2 people, 4 open handoffs and 1 routing rules/);
		const other = (await call("POST", "/v1/teams", { name: "Outside" })).body;
		const moved = await call("DELETE", `/v1/teams/${team.id}?moveTo=${other.id}`);
		expect(moved.body).toEqual({ moved: { people: 2, openHandoffs: 4, handoffs: 4, routingRules: 1 } });
		const queue = (await call("GET", "/v1/handoffs?status=open")).body.data;
		expect(queue.every((h: { teamId: string }) => h.teamId === other.id)).toBe(true);
		expect((await call("GET", `/v1/owners?teamId=${other.id}`)).body.data.map((o: { id: string }) => o.id)).toContain(
			rita.id,
		);
		expect(
			(await call("PUT", `/v1/teams/${other.id}`, { name: "Outside", businessDays: [] })).body.error.problems,
		).toEqual([{ field: "businessDays", message: "choose at least one business day" }]);
		expect((await call("POST", "/v1/teams", { name: "   " })).body.error.problems[0]).toEqual({
			field: "name",
			message: "must not be blank",
		});
	});

	it("checks a webhook's address when it is saved, and sends a test message in Slack's format", async () => {
		const loopback = await call("POST", "/v1/webhooks", { url: "http://127.0.0.1:9/x", events: ["lead.mql"] });
		expect(loopback.status).toBe(400);
		expect(loopback.body.error.problems[0].field).toBe("url");
		const named = await call("POST", "/v1/webhooks", { url: "http://localhost:9/x", events: ["lead.mql"] });
		expect(named.status).toBe(400);
		const bodies: string[] = [];
		const receiver = createServer((req, res) => {
			let text = "";
			req.on("data", (c) => {
				text += c;
			});
			req.on("end", () => {
				bodies.push(text);
				res.end("ok");
			});
		});
		await new Promise<void>((r) => receiver.listen(0, "127.0.0.2", r));
		try {
			const url = `http://127.0.0.2:${(receiver.address() as AddressInfo).port}/slack`;
			const endpoint = (await call("POST", "/v1/webhooks", { url, events: ["lead.mql"], format: "slack" })).body;
			const paused = await call("PATCH", `/v1/webhooks/${endpoint.id}`, { enabled: false });
			expect(paused.body.enabled).toBe(false);
			const moved = await call("PATCH", `/v1/webhooks/${endpoint.id}`, { url: "http://10.0.0.1/x" });
			expect(moved.status).toBe(400);
			const test = await call("POST", `/v1/webhooks/${endpoint.id}/test`);
			expect(test.body).toMatchObject({ status: 200, failure: null, excerpt: "ok" });
			expect(JSON.parse(bodies[0] ?? "{}").text).toMatch(/test@example\.com/);
			const log = (await call("GET", `/v1/webhooks/${endpoint.id}/attempts`)).body.data;
			expect(log[0]).toMatchObject({ type: "webhook.test", succeeded: true, status: 200 });
			expect((await call("DELETE", `/v1/webhooks/${endpoint.id}`)).status).toBe(204);
		} finally {
			receiver.close();
		}
	});

	it("lets a person change their password and an admin reset one; old sessions end", async () => {
		await createUser(database.db, { email: "pat@s.io", name: "Pat", role: "sales", password: "first password" });
		const { signIn, as } = sessions(app);
		const here = await signIn("pat@s.io", "first password");
		const elsewhere = await signIn("pat@s.io", "first password");
		const wrong = await as(here, "PUT", "/v1/session/password", {
			currentPassword: "nope",
			newPassword: "second password",
		});
		expect(wrong.status).toBe(403);
		const weak = await as(here, "PUT", "/v1/session/password", {
			currentPassword: "first password",
			newPassword: "short",
		});
		expect((await weak.json()).error.problems[0].field).toBe("newPassword");
		const changed = await as(here, "PUT", "/v1/session/password", {
			currentPassword: "first password",
			newPassword: "second password",
		});
		expect(changed.status).toBe(204);
		expect((await as(here, "GET", "/v1/session")).status).toBe(200);
		expect((await as(elsewhere, "GET", "/v1/session")).status).toBe(401);
		expect((await signIn("pat@s.io", "second password")).status).toBe(200);
		const pat = (await call("GET", "/v1/users")).body.data.find((u: { email: string }) => u.email === "pat@s.io");
		expect((await call("PUT", `/v1/users/${pat.id}/password`, { password: "third password" })).status).toBe(204);
		expect((await as(here, "GET", "/v1/session")).status).toBe(401);
		expect((await signIn("pat@s.io", "third password")).status).toBe(200);
		const blank = await call("PATCH", `/v1/users/${pat.id}`, { name: "  " });
		expect(blank.body.error.problems[0]).toEqual({ field: "name", message: "must not be blank" });
	});
});

interface QueueRow {
	slaDueAt: string | null;
	lead: { grade: string | null; temperature: string | null };
}
