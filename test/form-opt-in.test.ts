import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { sendConfirmation } from "../src/app/forms/opt-in.js";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { smtpMailer } from "../src/email/mailer.js";
import { appHarness } from "./support/app-harness.js";
import { backends } from "./support/backends.js";
import { TEST_NOW } from "./support/clock.js";
import { smtpSink } from "./support/smtp-sink.js";

const NEWSLETTER = {
	name: "Newsletter",
	slug: "news",
	definition: {
		title: "The Acme letter",
		fields: [{ name: "email", label: "E-mail", type: "email", required: true }],
		leadMagnet: { title: "The 2027 pricing guide", url: "https://cdn.acme.example/guide.pdf" },
		doubleOptIn: true,
		thanks: { message: "Nearly there." },
	},
};

describe.each(backends())("double opt-in, form starts and surveys on $name", (backend) => {
	const h = appHarness(backend, { publicUrl: "https://q.example" });
	const { clock, call } = h;
	const later = (ms: number) => clock.set(new Date(clock.now().getTime() + ms));

	async function submit(slug: string, fields: Record<string, string>) {
		const page = await (await h.app.request(`/f/${slug}`)).text();
		const shown = /name="_shown" value="([^"]+)"/.exec(page)?.[1] ?? "";
		later(10_000);
		return h.app.request(`/f/${slug}`, {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({ _shown: shown, ...fields }).toString(),
		});
	}
	const leadOf = (email: string) =>
		h.db
			.selectFrom("leads")
			.select(["id", "consent_status", "consent_source"])
			.where("email", "=", email)
			.executeTakeFirstOrThrow();
	const jobs = async (kind: string) =>
		(await h.db.selectFrom("jobs").select("payload").where("kind", "=", kind).execute()).map((j) =>
			String(j.payload.submissionId),
		);

	/** Sends the confirmation of a submission through real SMTP and returns the link's path. */
	async function confirmationLink(submissionId: string): Promise<{ path: string; subject: string }> {
		const sink = await smtpSink();
		const mailer = smtpMailer(sink.url, "Acme <hello@acme.example>");
		try {
			expect(await sendConfirmation(h.db, submissionId, clock.now(), { mailer, publicUrl: "https://q.example" })).toBe(
				"sent",
			);
		} finally {
			mailer?.close();
			await sink.close();
		}
		const [mail] = sink.received;
		const link = /https:\/\/q\.example(\/c\/[^\s"]+)/.exec(String(mail?.mail.text))?.[1] ?? "";
		return { path: link, subject: String(mail?.mail.subject) };
	}

	it("keeps a new address pending until its owner confirms, then subscribes it once and sends the magnet", async () => {
		const form = (await call("POST", "/v1/forms", NEWSLETTER)).body;
		const sent = await submit("news", { email: "ada@example.com" });
		expect(sent.status).toBe(200);
		expect(await sent.text()).toContain(
			"Unless <strong>ada@example.com</strong> was confirmed before, we have sent it a link",
		);
		expect(await leadOf("ada@example.com")).toMatchObject({ consent_status: "pending" });
		expect(await jobs("form.lead_magnet")).toEqual([]); // the magnet waits for the click
		const [submission] = await jobs("form.confirm");
		const { path, subject } = await confirmationLink(submission as string);
		expect(subject).toBe("Please confirm your address: The Acme letter");

		// a link scanner's GET confirms nothing; the person's click on the page's button does
		later(3_600_000);
		const page = await h.app.request(path);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain("Yes, it was me");
		expect(await leadOf("ada@example.com")).toMatchObject({ consent_status: "pending" });
		const confirmed = await h.app.request(path, { method: "POST" });
		expect(await confirmed.text()).toContain("Your address is confirmed.");
		expect(await leadOf("ada@example.com")).toMatchObject({
			consent_status: "subscribed",
			consent_source: "Email Confirmed",
		});
		expect(await jobs("form.lead_magnet")).toEqual([submission]);
		// twice: nothing new
		expect(await (await h.app.request(path, { method: "POST" })).text()).toContain("confirmed already");
		expect(await jobs("form.lead_magnet")).toHaveLength(1);
		const events = await sql<{ n: number }>`select count(*)::int as n from events
			where event = 'Email Confirmed'`.execute(h.db);
		expect(events.rows[0]?.n).toBe(1);
		expect((await call("GET", `/v1/forms/${form.id}/results`)).body).toMatchObject({ submissions: 1, confirmed: 1 });

		// altered, or after its seven days: refused
		expect(
			(
				await h.app.request(
					path.replace(/.$/, (c) => (c === "A" ? "B" : "A")),
					{ method: "POST" },
				)
			).status,
		).toBe(404);
		later(8 * 86_400_000);
		expect((await h.app.request(path)).status).toBe(410);
	});

	it("never lets a request to confirm undo an unsubscription, and lets the owner's click lift it", async () => {
		await call("POST", "/v1/forms", NEWSLETTER);
		await ingestBatch(
			h.db,
			[
				{ type: "identify", messageId: "i1", userId: "u1", traits: { email: "bo@example.com" } },
				{ type: "track", messageId: "t1", userId: "u1", event: "Email Unsubscribed" },
			],
			{ receivedAt: clock.now() },
		);
		// ingest suppresses the address as it records the unsubscription
		expect(await h.db.selectFrom("suppressions").select("reason").execute()).toEqual([{ reason: "unsubscribed" }]);
		await submit("news", { email: "bo@example.com" });
		expect(await leadOf("bo@example.com")).toMatchObject({ consent_status: "unsubscribed" });
		const [submission] = await jobs("form.confirm");
		const { path } = await confirmationLink(submission as string);
		await h.app.request(path, { method: "POST" });
		expect(await leadOf("bo@example.com")).toMatchObject({ consent_status: "subscribed" });
		expect(await h.db.selectFrom("suppressions").selectAll().execute()).toEqual([]);
	});

	it("does not ask an address that confirmed before to confirm again", async () => {
		const form = (await call("POST", "/v1/forms", NEWSLETTER)).body;
		await submit("news", { email: "cy@example.com" });
		const [first] = await jobs("form.confirm");
		await h.app.request((await confirmationLink(first as string)).path, { method: "POST" });
		const again = await submit("news", { email: "cy@example.com" });
		// the page says what it said the first time: it tells no one who is subscribed
		expect(await again.text()).toContain("Unless <strong>cy@example.com</strong> was confirmed before");
		expect(await jobs("form.confirm")).toHaveLength(1);
		expect(await jobs("form.lead_magnet")).toHaveLength(2);
		expect((await call("GET", `/v1/forms/${form.id}/results`)).body).toMatchObject({ submissions: 2, confirmed: 2 });
	});

	it("counts a start once per page view, only with the view's own signed token", async () => {
		const form = (await call("POST", "/v1/forms", NEWSLETTER)).body;
		const page = await (await h.app.request("/f/news")).text();
		expect(page).toContain('"/f/news/start"');
		const token = /name="_shown" value="([^"]+)"/.exec(page)?.[1] ?? "";
		const start = (body: string) => h.app.request("/f/news/start", { method: "POST", body });
		expect((await start(token)).status).toBe(204);
		expect((await start(token)).status).toBe(204);
		expect((await start(`${TEST_NOW.getTime()}.${"x".repeat(43)}`)).status).toBe(400);
		await h.app.request("/f/news"); // a second view, not started
		expect((await call("GET", `/v1/forms/${form.id}/results`)).body).toMatchObject({
			views: 2,
			starts: 1,
			submissions: 0,
		});
	});

	it("turns a post-webinar survey into traits, an event and the leads' side of why not now", async () => {
		const webinar = (await call("POST", "/v1/webinars", { name: "Demo day", startsAt: "2026-11-19T16:00:00Z" })).body;
		const whyNotNow = {
			name: "whyNotNow",
			label: "What holds you back?",
			type: "select",
			options: ["No budget this year", "Too early for us", "Something else"],
			notNowReasons: { "No budget this year": "no_budget", "Too early for us": "no_need_now" },
		};
		const survey = {
			name: "Demo day survey",
			slug: "demo-survey",
			definition: {
				title: "How was demo day?",
				fields: [{ name: "email", label: "E-mail", type: "email", required: true }, whyNotNow],
				survey: { webinar: webinar.id },
			},
		};
		const bad = await call("POST", "/v1/forms", {
			...survey,
			definition: {
				...survey.definition,
				fields: [survey.definition.fields[0], { ...whyNotNow, notNowReasons: { "Not an option": "no_budget" } }],
			},
		});
		expect(bad.status).toBe(400);
		expect(bad.body.error.problems[0].field).toBe("definition.fields.1.notNowReasons.Not an option");
		expect((await call("POST", "/v1/forms", survey)).status).toBe(201);

		await submit("demo-survey", { email: "a@example.com", whyNotNow: "No budget this year" });
		await submit("demo-survey", { email: "b@example.com", whyNotNow: "Too early for us" });
		await submit("demo-survey", { email: "c@example.com", whyNotNow: "Too early for us" });
		await submit("demo-survey", { email: "d@example.com", whyNotNow: "Something else" });
		await submit("demo-survey", { email: "e@example.com", whyNotNow: "No budget this year" });
		// a lead that answers twice counts once, with its latest answer
		await submit("demo-survey", { email: "a@example.com", whyNotNow: "Too early for us" });

		const answered = await sql<{ properties: Record<string, unknown> }>`select e.properties from events e
			join leads l on l.id = e.lead_id where l.email = 'b@example.com' and e.event = 'survey_answered'`.execute(h.db);
		expect(answered.rows[0]?.properties).toMatchObject({
			webinar_id: webinar.id,
			whyNotNow: "Too early for us",
			why_not_now: "no_need_now",
		});
		expect(answered.rows[0]?.properties).not.toHaveProperty("email");
		const b = await h.db.selectFrom("leads").select("traits").where("email", "=", "b@example.com").executeTakeFirst();
		expect(b?.traits).toMatchObject({ whyNotNow: "Too early for us" });

		const period = `from=${encodeURIComponent("2026-11-01T00:00:00Z")}&to=${encodeURIComponent("2026-12-01T00:00:00Z")}`;
		const reasons = (await call("GET", `/v1/metrics/not-now?${period}`)).body;
		expect(reasons.data).toEqual([
			{ reason: "no_need_now", leads: 3 },
			{ reason: "no_budget", leads: 1 },
		]);
		const before = (await call("GET", "/v1/metrics/not-now?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z")).body;
		expect(before.data).toEqual([]);
	});
});
