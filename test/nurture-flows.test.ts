import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { changeStage } from "../src/app/stage-moves.js";
import { backends } from "./support/backends.js";
import { TEST_NOW } from "./support/clock.js";
import { nurtureHarness } from "./support/nurture-harness.js";
import { teamWithOwner } from "./support/sales-team.js";

const DAY = 86_400_000;
const later = (days: number) => new Date(TEST_NOW.getTime() + days * DAY);

describe.each(backends())("nurture flows on $name", (backend) => {
	const h = nurtureHarness(backend);
	const { clock, ok, call, template, sequence, lead, tick, sends, mailTo } = h;

	it("lets running enrolments finish the version they started while new ones follow the new version", async () => {
		const a = await template("a", "A");
		const b = await template("b", "B");
		const c = await template("c", "C");
		const s = await sequence("Versions", [
			{ id: "first", kind: "email", template: a.id },
			{ id: "pause", kind: "wait", amount: 1, unit: "days" },
			{ id: "second", kind: "email", template: b.id },
		]);
		const early = await lead("early");
		await ok("POST", `/v1/sequences/${s.id}/enrolments`, { leadIds: [early] });
		await tick();
		const v2 = await ok("PUT", `/v1/sequences/${s.id}`, {
			name: "Versions",
			definition: { trigger: { on: "manual" }, steps: [{ id: "only", kind: "email", template: c.id }] },
		});
		expect(v2.version).toBe(2);
		const late = await lead("late");
		await ok("POST", `/v1/sequences/${s.id}/enrolments`, { leadIds: [late] });
		clock.set(later(1));
		await tick();
		expect(mailTo("early@corp.example").map((m) => m.subject)).toEqual(["A", "B"]);
		expect(mailTo("late@corp.example").map((m) => m.subject)).toEqual(["C"]);
		// a template an older version sends cannot be deleted while the sequence is in use
		const refused = await call("DELETE", `/v1/templates/${a.id}`);
		expect(refused.status).toBe(409);
		expect(refused.body.error.message).toContain('"Versions"');
		await ok("POST", `/v1/sequences/${s.id}/status`, { status: "archived" });
		expect((await call("DELETE", `/v1/templates/${a.id}`)).status).toBe(204);
	});

	it("enrols on entering a segment and on a stage change, and respects the re-entry policy", async () => {
		const t = await template("t", "Welcome to the club");
		const segment = await ok("POST", "/v1/segments", { name: "Germans", text: 'country = "DE"' });
		const bySegment = await sequence("Germans", [{ id: "one", kind: "email", template: t.id }], {
			trigger: { on: "segment_entered", segment: segment.id },
			reentry: { policy: "after_exit" },
		});
		const recycled = await sequence("Back to nurture", [{ id: "one", kind: "email", template: t.id }], {
			trigger: { on: "stage", to: "recycled" },
		});
		const hans = await lead("hans", { country: "DE" });
		await lead("ana", { country: "ES" });
		await tick();
		expect(mailTo("hans@corp.example")).toHaveLength(1);
		expect(mailTo("ana@corp.example")).toHaveLength(0);
		// leaving and entering again: after_exit lets the finished enrolment start over
		await ingestBatch(h.db, [{ type: "identify", messageId: "m1", userId: "hans", traits: { country: "AT" } }], {
			receivedAt: clock.now(),
		});
		await ingestBatch(h.db, [{ type: "identify", messageId: "m2", userId: "hans", traits: { country: "DE" } }], {
			receivedAt: clock.now(),
		});
		await tick();
		expect(mailTo("hans@corp.example")).toHaveLength(2);
		const entries = await h.db
			.selectFrom("enrolments")
			.select("trigger")
			.where("sequence_id", "=", bySegment.id)
			.execute();
		expect(entries.map((e) => e.trigger)).toEqual(["segment entered", "segment entered"]);

		// the rejected MQL's way back: a move to recycled starts the other sequence
		await changeStage(h.db, hans, { to: "mql", actor: "admin", reason: "test", now: clock.now() });
		await changeStage(h.db, hans, {
			to: "recycled",
			actor: "admin",
			reason: "not now",
			rejection: "no_need_now",
			now: clock.now(),
		});
		const [back] = await h.db.selectFrom("enrolments").selectAll().where("sequence_id", "=", recycled.id).execute();
		expect(back).toMatchObject({ trigger: "stage: recycled", status: "active" });
	});

	it("ends an enrolment on its goal event, and never enrols the same lead twice under 'never'", async () => {
		const t = await template("t");
		const s = await sequence(
			"Trial nudge",
			[
				{ id: "wait", kind: "wait", amount: 3, unit: "days" },
				{ id: "nudge", kind: "email", template: t.id },
			],
			{ exits: { stages: ["sql"], goal: { event: "Trial Started" } } },
		);
		const gil = await lead("gil");
		await ok("POST", `/v1/sequences/${s.id}/enrolments`, { leadIds: [gil] });
		await ingestBatch(h.db, [{ type: "track", messageId: "t1", userId: "gil", event: "trial_started" }], {
			receivedAt: clock.now(),
		});
		const [e] = (await ok("GET", `/v1/leads/${gil}/enrolments`)).data;
		expect(e).toMatchObject({ status: "exited", exitReason: "reached the goal" });
		const again = await ok("POST", `/v1/sequences/${s.id}/enrolments`, { leadIds: [gil] });
		expect(again).toEqual({ enrolled: 0, heldOut: 0, skipped: 1 });
		clock.set(later(3));
		expect(await tick()).toEqual([]);
	});

	it("updates traits through ingest, tells the owner, moves to another sequence, and waits for a weekday window", async () => {
		await teamWithOwner(h.db, { name: "Gus", email: "gus@sales.example" });
		const t = await template("t", "Next");
		const next = await sequence("Next", [{ id: "hello", kind: "email", template: t.id }]);
		const s = await sequence("Busy", [
			{ id: "mark", kind: "update_traits", traits: { nurtured: "yes", plan: null } },
			{ id: "tell", kind: "notify_owner", message: "Warming up: <call soon>" },
			{ id: "tuesday", kind: "wait_until", weekdays: [2], from: "09:00", to: "10:00" },
			{ id: "move", kind: "move_to", sequence: next.id },
		]);
		// an owner to tell: the lead was handed off once
		const ida = await lead("ida", { plan: "pro", timezone: "Europe/Paris" });
		await changeStage(h.db, ida, { to: "mql", actor: "admin", reason: "test", now: clock.now() });
		await ok("POST", `/v1/sequences/${s.id}/enrolments`, { leadIds: [ida] });
		await tick();
		// the two jobs the steps queued, run as a worker would
		const { jobHandlers } = await import("../src/jobs/handlers.js");
		const { smtpMailer } = await import("../src/email/mailer.js");
		const mailer = smtpMailer(h.sink.url, "Acme <n@acme.example>");
		const handlers = jobHandlers(h.db, { clock, mailer, publicUrl: "https://q.example" });
		const jobs = await sql<{ id: number; kind: string; payload: Record<string, unknown> }>`select id, kind, payload
			from jobs where kind in ('nurture.traits', 'nurture.notify_owner') order by id`.execute(h.db);
		for (const job of jobs.rows) await handlers[job.kind]?.({ ...job, attempts: 1, maxAttempts: 5 });
		mailer?.close();
		const traits = (await h.db.selectFrom("leads").select("traits").where("id", "=", ida).executeTakeFirstOrThrow())
			.traits;
		expect(traits.nurtured).toBe("yes");
		expect(traits.plan ?? null).toBeNull();
		const note = h.sink.received.find((r) => r.to.includes("gus@sales.example"));
		expect(note?.mail.text).toContain("Warming up: <call soon>");
		expect(String(note?.mail.html)).toContain("Warming up: &lt;call soon&gt;");
		// Friday 20 Nov 13:00 in Paris: the window is Tuesday 24 Nov 09:00 Paris (08:00 UTC)
		const [busy] = (await ok("GET", `/v1/leads/${ida}/enrolments`)).data;
		expect(busy).toMatchObject({ step: "tuesday", nextRunAt: "2026-11-24T08:00:00.000Z" });
		clock.set("2026-11-24T08:00:00.000Z");
		await tick();
		const now = (await ok("GET", `/v1/leads/${ida}/enrolments`)).data;
		expect(now.map((e: { sequenceName: string; status: string }) => `${e.sequenceName}:${e.status}`).sort()).toEqual([
			"Busy:completed",
			"Next:completed",
		]);
		expect(mailTo("ida@corp.example").map((m) => m.subject)).toEqual(["Next"]);
	});

	it("takes bounces and complaints from the provider: hard ones suppress, soft ones are recorded", async () => {
		const t = await template("t");
		const s = await sequence("Mail", [
			{ id: "one", kind: "email", template: t.id },
			{ id: "wait", kind: "wait", amount: 1, unit: "days" },
			{ id: "two", kind: "email", template: t.id },
		]);
		const ids = [await lead("hard"), await lead("soft"), await lead("spam")];
		await ok("POST", `/v1/sequences/${s.id}/enrolments`, { leadIds: ids });
		await tick();
		const messageId = (await sends()).find((x) => x.to_address === "hard@corp.example")?.message_id;
		const bad = await call("POST", "/v1/email/feedback", { events: [{ type: "bounce", email: "not an address" }] });
		expect(bad.status).toBe(400);
		expect(bad.body.error.problems[0].field).toBe("events.0.email");
		await ok("POST", "/v1/email/feedback", {
			events: [
				{ type: "bounce", email: "HARD@corp.example", messageId },
				{ type: "bounce", bounceType: "soft", email: "soft@corp.example" },
				{ type: "complaint", email: "spam@corp.example" },
				{ type: "bounce", email: "stranger@elsewhere.example" },
			],
		});
		const suppressed = await h.db.selectFrom("suppressions").select(["email", "reason"]).orderBy("email").execute();
		expect(suppressed).toEqual([
			{ email: "hard@corp.example", reason: "bounced" },
			{ email: "spam@corp.example", reason: "complained" },
			{ email: "stranger@elsewhere.example", reason: "bounced" },
		]);
		clock.set(later(1));
		expect((await tick()).sort()).toEqual(["sent"]); // only the soft bounce's second e-mail
		const results = await ok("GET", `/v1/sequences/${s.id}/results`);
		expect(results.steps[0]).toMatchObject({ sent: 3, delivered: 2, bounced: 1 });
	});

	it("lets a scoring rule leave machine clicks out, and a branch ignore a privacy proxy's open", async () => {
		const active = (await ok("GET", "/v1/scoring-models")).data[0];
		const draft = await ok("POST", "/v1/scoring-models", { basedOn: active.id });
		const humanClicks = {
			kind: "event",
			id: "human-click",
			reason: "clicked an e-mail",
			points: 10,
			when: { event: "email_clicked", where: { not: { field: "properties.machine", op: "equals", value: true } } },
		};
		await ok("PUT", `/v1/scoring-models/${draft.id}`, { ...draft.document, engagement: [humanClicks] });
		await ok("POST", `/v1/scoring-models/${draft.id}/publish`);
		const t = await template("t");
		const s = await sequence("Branchy", [
			{ id: "one", kind: "email", template: t.id },
			{ id: "wait", kind: "wait", amount: 1, unit: "days" },
			{ id: "opened", kind: "branch", if: { test: "opened_last" }, yes: "exit", no: "next" },
			{ id: "again", kind: "email", template: t.id },
		]);
		const jo = await lead("jo");
		await ok("POST", `/v1/sequences/${s.id}/enrolments`, { leadIds: [jo] });
		await tick();
		const html = String(mailTo("jo@corp.example")[0]?.html);
		const pixel = new URL(/src="(https:\/\/q\.example\/email\/open\/[^"]+)"/.exec(html)?.[1] ?? "");
		const link = new URL(
			(/href="(https:\/\/q\.example\/email\/click\/[^"]+)"/.exec(html)?.[1] ?? "").replace(/&amp;/g, "&"),
		);
		// Apple's privacy proxy fetches the pixel at once; a scanner follows the link
		const open = await h.app.request(pixel.pathname, { headers: { "user-agent": "Mozilla/5.0" } });
		expect(open.headers.get("content-type")).toBe("image/gif");
		await h.app.request(`${link.pathname}${link.search}`, { headers: { "user-agent": "Proofpoint URL Defense" } });
		const engagement = async () => (await ok("GET", `/v1/leads/${jo}/score`)).engagement;
		expect(await engagement()).toBe(0);
		clock.set(later(1));
		expect(await tick()).toEqual(["sent"]); // no person opened: the branch sends the second
		// a person's click, a day after the e-mail, counts
		await h.app.request(`${link.pathname}${link.search}`, {
			headers: { "user-agent": "Mozilla/5.0 (X11; Linux) Firefox/130" },
		});
		expect(await engagement()).toBe(10);
		const results = await ok("GET", `/v1/sequences/${s.id}/results`);
		expect(results.steps[0]).toMatchObject({ opened: 1, openedByMachine: 0, clicked: 1, clickedByMachine: 0 });
	});

	it("follows a lead known only by e-mail: its unsubscribe reaches it, and a merge keeps one enrolment", async () => {
		const t = await template("t");
		const s = await sequence("Anon", [
			{ id: "one", kind: "email", template: t.id },
			{ id: "wait", kind: "wait", amount: 1, unit: "days" },
			{ id: "two", kind: "email", template: t.id },
		]);
		await ingestBatch(
			h.db,
			[
				{ type: "identify", messageId: "k1", anonymousId: "browser-1", traits: { email: "kim@corp.example" } },
				{ type: "identify", messageId: "k2", anonymousId: "browser-2", traits: { firstName: "Kim" } },
			],
			{ receivedAt: clock.now() },
		);
		const ids = (await h.db.selectFrom("leads").select("id").orderBy("first_seen_at").execute()).map((r) => r.id);
		await ok("POST", `/v1/sequences/${s.id}/enrolments`, { leadIds: ids });
		await tick();
		// the second browser turns out to be Kim: the records merge, one enrolment runs on
		await ingestBatch(
			h.db,
			[{ type: "identify", messageId: "k3", anonymousId: "browser-2", traits: { email: "kim@corp.example" } }],
			{ receivedAt: clock.now() },
		);
		const running = await h.db
			.selectFrom("enrolments")
			.select(["lead_id", "status"])
			.where("status", "=", "active")
			.execute();
		expect(running).toHaveLength(1);
		const live = await h.db.selectFrom("leads").select("id").where("merged_into", "is", null).execute();
		expect(live.map((l) => l.id)).toEqual([running[0]?.lead_id]);
		const path = h.unsubscribePath(mailTo("kim@corp.example")[0]);
		expect((await h.app.request(path, { method: "POST" })).status).toBe(200);
		expect(await h.db.selectFrom("suppressions").select("email").execute()).toEqual([{ email: "kim@corp.example" }]);
		const unsubscribed = await sql<{ n: number }>`select count(*)::int as n from events
			where event = 'Email Unsubscribed' and lead_id = ${running[0]?.lead_id}::uuid`.execute(h.db);
		expect(unsubscribed.rows[0]?.n).toBe(1);
		clock.set(later(1));
		expect(await tick()).toEqual([]);
	});

	it("stops one series from the unsubscribe page without suppressing the address, and signs with DKIM when a key is set", async () => {
		const { generateKeyPairSync } = await import("node:crypto");
		const { smtpMailer } = await import("../src/email/mailer.js");
		const { sendQueuedEmail } = await import("../src/app/nurture/send-email.js");
		const { advanceNurture } = await import("../src/app/nurture/advance.js");
		const t = await template("t");
		const webinars = await sequence("Webinar series", [
			{ id: "one", kind: "email", template: t.id },
			{ id: "wait", kind: "wait", amount: 1, unit: "days" },
			{ id: "two", kind: "email", template: t.id },
		]);
		const other = await sequence("Product news", [
			{ id: "later", kind: "wait", amount: 1, unit: "days" },
			{ id: "news", kind: "email", template: t.id },
		]);
		const lu = await lead("lu", { firstName: "Lu" });
		await ok("POST", `/v1/sequences/${webinars.id}/enrolments`, { leadIds: [lu] });
		await ok("POST", `/v1/sequences/${other.id}/enrolments`, { leadIds: [lu] });
		await advanceNurture(h.db, clock.now());
		const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
		const signing = smtpMailer(h.sink.url, "Acme News <news@acme.example>", {
			dkim: {
				domainName: "acme.example",
				keySelector: "q1",
				privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
			},
		});
		const [queued] = await sends();
		expect(
			await sendQueuedEmail(h.db, queued?.id as string, clock.now(), {
				mailer: signing,
				publicUrl: "https://q.example",
			}),
		).toBe("sent");
		signing?.close();
		const [mail] = mailTo("lu@corp.example");
		expect(h.rawHeader(mail, "dkim-signature")).toMatch(/d=acme\.example;.*s=q1;/);

		const path = h.unsubscribePath(mail);
		const page = await (await h.app.request(path)).text();
		expect(page).toContain("Stop “Webinar series”");
		const stop = await h.app.request(path, {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded" },
			body: "scope=sequence",
		});
		expect(await stop.text()).toContain("gets no more of “Webinar series”");
		expect(await h.db.selectFrom("suppressions").selectAll().execute()).toEqual([]);
		const enrolments = (await ok("GET", `/v1/leads/${lu}/enrolments`)).data;
		expect(
			enrolments
				.map((e: { sequenceName: string; status: string; exitReason: string | null }) =>
					[e.sequenceName, e.status, e.exitReason].join(":"),
				)
				.sort(),
		).toEqual(["Product news:active:", "Webinar series:exited:asked to stop this series"]);
		clock.set(later(1));
		expect(await tick()).toEqual(["sent"]);
		expect(mailTo("lu@corp.example")).toHaveLength(2);
	});
});
