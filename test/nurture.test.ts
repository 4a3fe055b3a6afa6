import { sql } from "kysely";
import type { ParsedMail } from "mailparser";
import { describe, expect, it } from "vitest";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { advanceNurture } from "../src/app/nurture/advance.js";
import { saveNurtureSettings } from "../src/app/nurture/nurture-settings.js";
import { changeStage } from "../src/app/stage-moves.js";
import { NurtureSettings } from "../src/schemas/nurture.js";
import { backends } from "./support/backends.js";
import { TEST_NOW } from "./support/clock.js";
import { nurtureHarness } from "./support/nurture-harness.js";

const MINUTE = 60_000;
const DAY = 86_400_000;

describe.each(backends())("nurture on $name", (backend) => {
	const h = nurtureHarness(backend);
	const { clock, ok, call, template, sequence, lead, tick, sends, rawHeader, unsubscribePath, mailTo } = h;

	it("refuses a template that names a field no lead has, naming the part", async () => {
		const r = await call("POST", "/v1/templates", {
			name: "bad",
			subject: "Hi {{ lead.frist_name }}",
			html: "<p>{{ lead.traits.plan }}</p>",
			text: "{{ lead.name | shout }}",
		});
		expect(r.status).toBe(400);
		const fields = r.body.error.problems.map((p: { field: string }) => p.field);
		expect(fields).toEqual(["subject", "text"]);
		expect(r.body.error.problems[0].message).toMatch(/lead\.frist_name.*lead\.traits\.frist_name/);
		const preview = await ok("POST", "/v1/templates/preview", {
			subject: "Hi {{ lead.first_name | default: 'there' }}",
			html: "<b>{{ lead.company }}</b>",
			text: "x",
		});
		expect(preview.subject).toBe("Hi Ada");
		expect(preview.html).toBe("<b>Analytical Engines</b>");
	});

	it("sends personal e-mail over SMTP with one-click unsubscribe headers, lead text inert, fallbacks filled", async () => {
		const t = await template("welcome");
		const s = await sequence("Welcome", [{ id: "hello", kind: "email", template: t.id }]);
		const mallory = await lead("mallory", { firstName: "<script>x</script>\r\nBcc: all@corp.example" });
		const plain = await lead("plain");
		await ok("POST", `/v1/sequences/${s.id}/enrolments`, { leadIds: [mallory, plain] });
		expect(await tick()).toEqual(["sent", "sent"]);

		const [m] = mailTo("mallory@corp.example") as [ParsedMail];
		expect(m.subject).toBe("Hi <script>x</script> Bcc: all@corp.example");
		expect(m.headers.has("bcc")).toBe(false);
		expect(String(m.html)).toContain("Hello &lt;script&gt;x&lt;/script&gt;");
		expect(String(m.html)).not.toContain("<script>");
		const unsubscribeHeader = rawHeader(m, "list-unsubscribe");
		expect(unsubscribeHeader).toMatch(
			/^<https:\/\/q\.example\/email\/unsubscribe\/[^>]+>, <mailto:unsubscribe@acme\.example\?subject=/,
		);
		expect(rawHeader(m, "list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
		expect(m.messageId).toMatch(/@acme\.example>?$/);
		// links go through signed redirects; the unsubscribe link is left as it is
		const hrefs = [...String(m.html).matchAll(/href="([^"]+)"/g)].map((x) => (x[1] as string).replace(/&amp;/g, "&"));
		expect(hrefs.filter((h) => h.includes("/email/click/"))).toHaveLength(2);
		expect(hrefs.some((h) => h.includes("/email/unsubscribe/"))).toBe(true);

		const [p] = mailTo("plain@corp.example") as [ParsedMail];
		expect(p.subject).toBe("Hi there");
		expect(p.text).toContain("Hello there");
		expect(String(p.html)).toContain("from corp.example"); // no company given: the account's name
	});

	it("unsubscribes in one click: suppressed at once, every enrolment ends, the next due send is not made", async () => {
		const t = await template("t");
		const first = await sequence("First", [
			{ id: "a", kind: "email", template: t.id },
			{ id: "pause", kind: "wait", amount: 2, unit: "days" },
			{ id: "b", kind: "email", template: t.id },
		]);
		const other = await sequence("Other", [
			{ id: "later", kind: "wait", amount: 1, unit: "days" },
			{ id: "c", kind: "email", template: t.id },
		]);
		const ann = await lead("ann", { firstName: "Ann" });
		await ok("POST", `/v1/sequences/${first.id}/enrolments`, { leadIds: [ann] });
		await ok("POST", `/v1/sequences/${other.id}/enrolments`, { leadIds: [ann] });
		await tick();
		expect(h.sink.received).toHaveLength(1);
		const url = { pathname: unsubscribePath(mailTo("ann@corp.example")[0]) };

		// a GET only shows a page to confirm; an altered token is refused
		const page = await h.app.request(url.pathname);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain("Unsubscribe ann@corp.example?");
		expect((await h.app.request(`${url.pathname.slice(0, -2)}xx`, { method: "POST" })).status).toBe(404);
		expect(await h.db.selectFrom("suppressions").selectAll().execute()).toHaveLength(0);

		// what a mail client sends for RFC 8058
		const post = await h.app.request(url.pathname, {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded" },
			body: "List-Unsubscribe=One-Click",
		});
		expect(post.status).toBe(200);
		const suppression = await h.db.selectFrom("suppressions").selectAll().executeTakeFirstOrThrow();
		expect(suppression).toMatchObject({ email: "ann@corp.example", reason: "unsubscribed" });
		const enrolments = await h.db.selectFrom("enrolments").select(["status", "exit_reason"]).execute();
		expect(enrolments).toEqual([
			{ status: "exited", exit_reason: "unsubscribed" },
			{ status: "exited", exit_reason: "unsubscribed" },
		]);
		const events = await sql<{ event: string }>`select event from events where event = 'Email Unsubscribed'`.execute(
			h.db,
		);
		expect(events.rows).toHaveLength(1);
		const leadRow = await h.db.selectFrom("leads").select("consent_status").where("id", "=", ann).executeTakeFirst();
		expect(leadRow?.consent_status).toBe("unsubscribed");

		// a send queued before the unsubscribe, due later, is suppressed at its claim
		await h.db
			.insertInto("email_sends")
			.values({ id: crypto.randomUUID(), lead_id: ann, template_id: t.id, status: "queued", due_at: clock.now() })
			.execute();
		clock.set(new Date(TEST_NOW.getTime() + 3 * DAY));
		expect(await tick()).toEqual(["suppressed"]);
		expect(h.sink.received).toHaveLength(1);
		const results = await ok("GET", `/v1/sequences/${first.id}/results`);
		expect(results.total).toMatchObject({ sent: 1, unsubscribed: 1 });
	});

	it("holds to the weekly cap across sequences and sends the rest when a place frees", async () => {
		await saveNurtureSettings(h.db, NurtureSettings.parse({ weeklyCap: 2, quietHours: null }));
		const t = await template("t");
		const s = await sequence("Burst", [
			{ id: "one", kind: "email", template: t.id },
			{ id: "two", kind: "email", template: t.id },
			{ id: "three", kind: "email", template: t.id },
		]);
		const bo = await lead("bo");
		await ok("POST", `/v1/sequences/${s.id}/enrolments`, { leadIds: [bo] });
		expect(await tick()).toEqual(["sent", "sent", "deferred"]);
		const third = (await sends()).find((x) => x.step === "three");
		expect(third?.status).toBe("queued");
		expect(new Date(third?.due_at as Date).getTime()).toBe(TEST_NOW.getTime() + 7 * DAY);
		clock.set(new Date(TEST_NOW.getTime() + 7 * DAY - MINUTE));
		expect(await tick()).toEqual([]);
		clock.set(new Date(TEST_NOW.getTime() + 7 * DAY));
		expect(await tick()).toEqual(["sent"]);
		expect(h.sink.received).toHaveLength(3);
	});

	it("keeps quiet hours in each lead's own zone", async () => {
		await saveNurtureSettings(h.db, NurtureSettings.parse({ quietHours: { from: "21:00", to: "08:00" } }));
		const t = await template("t");
		const s = await sequence("Quiet", [{ id: "one", kind: "email", template: t.id }]);
		// TEST_NOW is 12:00 UTC: 04:00 in Los Angeles, 13:00 in Berlin, 21:00 in Tokyo
		const la = await lead("la", { timezone: "America/Los_Angeles" });
		const berlin = await lead("berlin", { timezone: "Europe/Berlin" });
		const tokyo = await lead("tokyo", { timezone: "Asia/Tokyo" });
		await ok("POST", `/v1/sequences/${s.id}/enrolments`, { leadIds: [la, berlin, tokyo] });
		await tick();
		const byLead = new Map((await sends()).map((x) => [x.lead_id, x]));
		expect(byLead.get(berlin)?.status).toBe("sent");
		expect(byLead.get(la)?.status).toBe("queued");
		expect(new Date(byLead.get(la)?.due_at as Date).toISOString()).toBe("2026-11-20T16:00:00.000Z"); // 08:00 PST
		expect(new Date(byLead.get(tokyo)?.due_at as Date).toISOString()).toBe("2026-11-20T23:00:00.000Z"); // 08:00 JST
		clock.set("2026-11-20T16:00:00.000Z");
		expect(await tick()).toEqual(["sent"]);
		expect(mailTo("la@corp.example")).toHaveLength(1);
		expect(mailTo("tokyo@corp.example")).toHaveLength(0);
	});

	it("ends an enrolment when the lead becomes an SQL, and cancels its queued e-mail", async () => {
		const t = await template("t");
		const s = await sequence("Until SQL", [
			{ id: "wait", kind: "wait", amount: 1, unit: "days" },
			{ id: "one", kind: "email", template: t.id },
			{ id: "again", kind: "wait", amount: 2, unit: "days" },
			{ id: "two", kind: "email", template: t.id },
		]);
		const cy = await lead("cy");
		await ok("POST", `/v1/sequences/${s.id}/enrolments`, { leadIds: [cy] });
		clock.set(new Date(TEST_NOW.getTime() + DAY));
		await advanceNurture(h.db, clock.now()); // the send is queued, not yet made
		await changeStage(h.db, cy, { to: "sql", actor: "admin", reason: "met", now: clock.now() });
		expect(await tick()).toEqual(["cancelled"]);
		expect(h.sink.received).toHaveLength(0);
		const [e] = (await ok("GET", `/v1/leads/${cy}/enrolments`)).data;
		expect(e).toMatchObject({ status: "exited", exitReason: "became sql", sequenceName: "Until SQL", emails: 0 });
	});

	it("holds out a fixed share, never e-mailed, and compares outcomes against it", async () => {
		const t = await template("t");
		const s = await sequence("Half", [{ id: "one", kind: "email", template: t.id }], { holdoutPercent: 50 });
		const ids: string[] = [];
		for (let i = 0; i < 40; i++) ids.push(await lead(`h${i}`));
		const r = await ok("POST", `/v1/sequences/${s.id}/enrolments`, { leadIds: ids });
		expect(r.enrolled + r.heldOut).toBe(40);
		expect(r.heldOut).toBeGreaterThan(8);
		expect(r.heldOut).toBeLessThan(32);
		await tick();
		const held = await h.db.selectFrom("enrolments").select("lead_id").where("status", "=", "held_out").execute();
		const mailed = new Set((await sends()).map((x) => x.lead_id));
		expect(held.every((h) => !mailed.has(h.lead_id))).toBe(true);
		expect(mailed.size).toBe(r.enrolled);
		// the same lead is held out again (the draw is fixed), and results count both groups
		const again = await ok("POST", `/v1/sequences/${s.id}/enrolments`, { leadIds: ids });
		expect(again.skipped).toBe(40);
		const results = await ok("GET", `/v1/sequences/${s.id}/results`);
		expect(results.holdout.leads).toBe(r.heldOut);
		expect(results.treated.leads).toBe(r.enrolled);
		expect(results.total.sent).toBe(r.enrolled);
	});

	it("pauses a sequence whose unsubscribe rate passes the limit, saying why", async () => {
		await saveNurtureSettings(
			h.db,
			NurtureSettings.parse({ quietHours: null, pauseAt: { unsubscribeRate: 0.2, complaintRate: 0.01, minSent: 5 } }),
		);
		const t = await template("t");
		const s = await sequence("Annoying", [{ id: "one", kind: "email", template: t.id }]);
		const ids: string[] = [];
		for (let i = 0; i < 6; i++) ids.push(await lead(`u${i}`));
		await ok("POST", `/v1/sequences/${s.id}/enrolments`, { leadIds: ids });
		await tick();
		const unsubscribeUrl = (i: number) => ({ pathname: unsubscribePath(mailTo(`u${i}@corp.example`)[0]) });
		await h.app.request(unsubscribeUrl(0).pathname, { method: "POST" });
		expect((await ok("GET", `/v1/sequences/${s.id}`)).status).toBe("active"); // 1 of 6 is under 20%
		await h.app.request(unsubscribeUrl(1).pathname, { method: "POST" });
		const paused = await ok("GET", `/v1/sequences/${s.id}`);
		expect(paused.status).toBe("paused");
		expect(paused.pausedReason).toBe("Paused itself: unsubscribe rate 33.3% (2 of 6 sent) passed the limit of 20.0%");
	});

	it("marks scanner clicks and clicks within seconds as machine activity, and follows people's clicks", async () => {
		const t = await template("t");
		const s = await sequence("Clicks", [{ id: "one", kind: "email", template: t.id }]);
		const di = await lead("di");
		await ok("POST", `/v1/sequences/${s.id}/enrolments`, { leadIds: [di] });
		await tick();
		const html = String(mailTo("di@corp.example")[0]?.html);
		const [guide, pricing] = [...html.matchAll(/href="(https:\/\/q\.example\/email\/click\/[^"]+)"/g)].map(
			(x) => new URL((x[1] as string).replace(/&amp;/g, "&")),
		) as [URL, URL];
		const click = (u: URL, agent: string) =>
			h.app.request(`${u.pathname}${u.search}`, { headers: { "user-agent": agent } });

		const soon = await click(guide, "Mozilla/5.0 (Macintosh) Safari/605");
		expect(soon.status).toBe(302);
		expect(soon.headers.get("location")).toBe("https://acme.example/guide?a=1&b=2");
		clock.set(new Date(TEST_NOW.getTime() + 5 * MINUTE));
		expect((await click(pricing, "Mimecast Security Scanner")).status).toBe(302);
		clock.set(new Date(TEST_NOW.getTime() + 9 * MINUTE));
		expect((await click(pricing, "Mozilla/5.0 (Windows NT 10.0) Chrome/120")).status).toBe(302);
		// a link altered to go elsewhere is refused, not followed
		const forged = new URL(pricing);
		forged.searchParams.set("url", "https://evil.example/");
		expect((await click(forged, "Mozilla/5.0 Chrome/120")).status).toBe(404);

		const activity = await h.db.selectFrom("email_activity").select(["machine"]).orderBy("id").execute();
		expect(activity.map((a) => a.machine)).toEqual(["clicked within seconds of delivery", "link scanner", null]);
		const events = await sql<{ machine: unknown }>`select properties->'machine' as machine from events
			where event = 'email_clicked' order by timestamp`.execute(h.db);
		expect(events.rows.map((r) => r.machine)).toEqual([true, true, false]);
		const results = await ok("GET", `/v1/sequences/${s.id}/results`);
		expect(results.steps[0]).toMatchObject({ step: "one", sent: 1, clicked: 1, opened: 1 });
	});

	it("starts a form follow-up on the form's own event, and a branch reads people's clicks", async () => {
		const t = await template("t");
		const nudge = await template("nudge", "Did you see it?");
		const created = await ok("POST", "/v1/sequences", {
			name: "Guide follow-up",
			definition: {
				trigger: { on: "event", event: "Form Submitted", match: { form_id: "guide" } },
				steps: [
					{ id: "send", kind: "email", template: t.id },
					{ id: "wait", kind: "wait", amount: 3, unit: "days" },
					{ id: "clicked", kind: "branch", if: { test: "clicked_last" }, yes: "exit", no: "next" },
					{ id: "nudge", kind: "email", template: nudge.id },
				],
			},
		});
		await ok("POST", `/v1/sequences/${created.id}/status`, { status: "active" });
		const ev = await lead("ev");
		await lead("fay");
		await ingestBatch(
			h.db,
			[
				{ type: "track", messageId: "f1", userId: "ev", event: "form_submitted", properties: { form_id: "guide" } },
				{ type: "track", messageId: "f2", userId: "fay", event: "Form Submitted", properties: { form_id: "other" } },
			],
			{ receivedAt: clock.now() },
		);
		expect(await tick()).toEqual(["sent"]);
		expect(mailTo("ev@corp.example")).toHaveLength(1);
		clock.set(new Date(TEST_NOW.getTime() + 3 * DAY));
		expect(await tick()).toEqual(["sent"]);
		expect(mailTo("ev@corp.example").map((m) => m.subject)).toEqual(["Hi there", "Did you see it?"]);
		const [e] = (await ok("GET", `/v1/leads/${ev}/enrolments`)).data;
		expect(e).toMatchObject({ status: "completed", emails: 2, trigger: "event: Form Submitted" });
	});
});
