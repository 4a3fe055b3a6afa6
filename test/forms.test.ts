import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { SUBMISSIONS_PER_MINUTE } from "../src/http/form-routes.js";
import { appHarness } from "./support/app-harness.js";
import { backends } from "./support/backends.js";
import { TEST_NOW } from "./support/clock.js";

const GUIDE = {
	name: "Guide download",
	slug: "guide",
	definition: {
		title: "Get the pricing guide",
		fields: [
			{ name: "email", label: "Work e-mail", type: "email", required: true },
			{ name: "firstName", label: "First name", type: "text", required: true },
			{ name: "companySize", label: "Company size", type: "select", options: ["1-10", "11-50", "51+"] },
		],
		consent: { text: "I agree to hear from Acme about pricing." },
		thanks: { message: "Check your inbox." },
		minSeconds: 2,
	},
};

describe.each(backends())("hosted forms on $name", (backend) => {
	const h = appHarness(backend, { publicUrl: "https://q.example" });
	const { clock, call } = h;

	/** Shows the form and returns its hidden fields, as a browser would keep them. */
	async function show(path: string, cookie?: string) {
		const page = await h.app.request(path, cookie ? { headers: { cookie } } : {});
		const html = await page.text();
		const hidden = Object.fromEntries(
			[...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]),
		);
		return { status: page.status, html, hidden };
	}
	const post = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
		h.app.request("/f/guide", {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
			body: new URLSearchParams(fields).toString(),
		});
	const count = async (table: string) =>
		(await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(h.db)).rows[0]?.n;

	it("refuses a form without a required e-mail field, naming the field", async () => {
		const bad = await call("POST", "/v1/forms", {
			...GUIDE,
			definition: { ...GUIDE.definition, fields: [{ name: "name", label: "Name", type: "text" }] },
		});
		expect(bad.status).toBe(400);
		expect(bad.body.error.problems[0]).toMatchObject({ field: "definition.fields" });
		const made = await call("POST", "/v1/forms", GUIDE);
		expect(made.status).toBe(201);
		expect(made.body.url).toBe("https://q.example/f/guide");
		expect(made.body.embed).toContain('<iframe src="https://q.example/f/guide"');
		expect((await call("POST", "/v1/forms", GUIDE)).status).toBe(409);
	});

	it("identifies the lead, joins its anonymous history, records consent and campaign, and counts it", async () => {
		const form = (await call("POST", "/v1/forms", GUIDE)).body;
		// a visitor browsed before, under the tracker's anonymous id
		await ingestBatch(
			h.db,
			[
				{ type: "page", messageId: "p1", anonymousId: "anon-1", properties: { path: "/pricing" } },
				{ type: "page", messageId: "p2", anonymousId: "anon-1", properties: { path: "/blog/guide" } },
			],
			{ receivedAt: clock.now() },
		);
		const shown = await show("/f/guide?utm_source=newsletter&utm_campaign=spring", "ajs_anonymous_id=%22anon-1%22");
		expect(shown.status).toBe(200);
		expect(shown.hidden).toMatchObject({ anonymous_id: "anon-1", utm_source: "newsletter", utm_campaign: "spring" });
		clock.set(new Date(TEST_NOW.getTime() + 20_000));
		const sent = await post({
			...shown.hidden,
			email: "Ada@Example.com",
			firstName: "Ada",
			companySize: "11-50",
			consent: "yes",
			website_url: "",
		});
		expect(sent.status).toBe(200);
		expect(await sent.text()).toContain("Check your inbox.");
		const leads = await h.db.selectFrom("leads").selectAll().where("merged_into", "is", null).execute();
		expect(leads).toHaveLength(1);
		const [lead] = leads;
		expect(lead).toMatchObject({ email: "ada@example.com", source: "newsletter" });
		expect(lead?.traits).toMatchObject({ firstName: "Ada", companySize: "11-50" });
		const events = await sql<{ type: string; event: string | null; properties: Record<string, unknown> }>`
			select type, event, properties from events where lead_id = ${lead?.id}::uuid order by timestamp, type`.execute(
			h.db,
		);
		expect(events.rows.filter((r) => r.type === "page")).toHaveLength(2);
		const submitted = events.rows.find((r) => r.event === "form_submitted");
		expect(submitted?.properties).toMatchObject({
			form_id: form.id,
			consent_text: "I agree to hear from Acme about pricing.",
			consent_at: "2026-11-20T12:00:20.000Z",
		});
		const results = (await call("GET", `/v1/forms/${form.id}/results`)).body;
		expect(results).toMatchObject({ views: 1, submissions: 1, leads: 1, conversion: 1 });
	});

	it("names each field's problem, keeps what was typed (inert), and stores nothing", async () => {
		await call("POST", "/v1/forms", GUIDE);
		const shown = await show("/f/guide");
		clock.set(new Date(TEST_NOW.getTime() + 10_000));
		const sent = await post({ ...shown.hidden, email: "not-an-address", firstName: '<img src=x onerror="alert(1)">' });
		expect(sent.status).toBe(400);
		const html = await sent.text();
		expect(html).toContain("Work e-mail: &quot;not-an-address&quot; is not an e-mail address");
		expect(html).toContain('value="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"');
		expect(html).not.toContain("<img src=x");
		expect(await count("leads")).toBe(0);
		expect(await count("form_submissions")).toBe(0);
	});

	it("refuses bots: the hidden field filled, a submission under the minimum time, or no page shown first", async () => {
		await call("POST", "/v1/forms", GUIDE);
		const shown = await show("/f/guide");
		const good = { ...shown.hidden, email: "bot@example.com", firstName: "Bot", consent: "yes" };
		clock.set(new Date(TEST_NOW.getTime() + 500));
		expect((await post(good)).status).toBe(400); // half a second after the page
		clock.set(new Date(TEST_NOW.getTime() + 10_000));
		expect((await post({ ...good, website_url: "http://spam.example" })).status).toBe(400);
		expect((await post({ ...good, _shown: `${TEST_NOW.getTime() - 60_000}.forged` })).status).toBe(400);
		expect(await count("leads")).toBe(0);
		expect((await post(good)).status).toBe(200);
		expect(await count("leads")).toBe(1);
	});

	it("limits submissions per client address, and redirects only where the form says", async () => {
		await call("POST", "/v1/forms", {
			...GUIDE,
			definition: { ...GUIDE.definition, thanks: { redirect: "https://acme.example/thanks" } },
		});
		const shown = await show("/f/guide");
		clock.set(new Date(TEST_NOW.getTime() + 10_000));
		const from = { "x-forwarded-for": "203.0.113.9" };
		const first = await post(
			{ ...shown.hidden, email: "r0@example.com", firstName: "R", consent: "yes", redirect: "https://evil.example" },
			from,
		);
		expect(first.status).toBe(303);
		expect(first.headers.get("location")).toBe("https://acme.example/thanks");
		for (let i = 1; i < SUBMISSIONS_PER_MINUTE; i++)
			await post({ ...shown.hidden, email: `r${i}@example.com`, firstName: "R", consent: "yes" }, from);
		const over = await post({ ...shown.hidden, email: "late@example.com", firstName: "R", consent: "yes" }, from);
		expect(over.status).toBe(429);
		clock.set(new Date(TEST_NOW.getTime() + 75_000));
		expect(
			(await post({ ...shown.hidden, email: "later@example.com", firstName: "R", consent: "yes" }, from)).status,
		).toBe(303);
	});

	it("e-mails a lead magnet whose signed link works, records the download, and fails altered or expired", async () => {
		const { smtpSink } = await import("./support/smtp-sink.js");
		const { smtpMailer } = await import("../src/email/mailer.js");
		const { sendLeadMagnet } = await import("../src/app/forms/lead-magnet.js");
		await call("POST", "/v1/forms", {
			...GUIDE,
			definition: {
				...GUIDE.definition,
				leadMagnet: { title: "The 2027 pricing guide", url: "https://cdn.acme.example/guide.pdf", expiresHours: 48 },
			},
		});
		const shown = await show("/f/guide");
		clock.set(new Date(TEST_NOW.getTime() + 10_000));
		expect((await post({ ...shown.hidden, email: "mo@example.com", firstName: "Mo", consent: "yes" })).status).toBe(
			200,
		);
		const job = await h.db
			.selectFrom("jobs")
			.select("payload")
			.where("kind", "=", "form.lead_magnet")
			.executeTakeFirstOrThrow();
		const sink = await smtpSink();
		const mailer = smtpMailer(sink.url, "Acme <hello@acme.example>");
		try {
			const outcome = await sendLeadMagnet(h.db, String(job.payload.submissionId), clock.now(), {
				mailer,
				publicUrl: "https://q.example",
			});
			expect(outcome).toBe("sent");
		} finally {
			mailer?.close();
			await sink.close();
		}
		const [mail] = sink.received;
		expect(mail?.to).toEqual(["mo@example.com"]);
		expect(mail?.mail.subject).toBe("Your download: The 2027 pricing guide");
		const link = new URL(/https:\/\/q\.example\/d\/[^\s"]+/.exec(String(mail?.mail.text))?.[0] ?? "");
		const opened = await h.app.request(link.pathname);
		expect(opened.status).toBe(302);
		expect(opened.headers.get("location")).toBe("https://cdn.acme.example/guide.pdf");
		const downloads = await sql<{ n: number }>`select count(*)::int as n from events
			where event = 'content_downloaded'`.execute(h.db);
		expect(downloads.rows[0]?.n).toBe(1);
		// one character changed, or two days and a second later: no file
		const altered = link.pathname.replace(/.$/, (c) => (c === "A" ? "B" : "A"));
		expect((await h.app.request(altered)).status).toBe(404);
		clock.set(new Date(TEST_NOW.getTime() + 10_000 + 48 * 3_600_000 + 1_000));
		expect((await h.app.request(link.pathname)).status).toBe(410);
	});
});
