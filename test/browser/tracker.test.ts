import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { createApiKey } from "../../src/app/api-keys.js";
import { createForm } from "../../src/app/forms/forms.js";
import { sendLeadMagnet } from "../../src/app/forms/lead-magnet.js";
import { sendConfirmation } from "../../src/app/forms/opt-in.js";
import { fixedClock } from "../../src/domain/clock.js";
import { smtpMailer } from "../../src/email/mailer.js";
import type { Database } from "../../src/storage/database.js";
import { backends } from "../support/backends.js";
import { launchChromium, SHOTS, serveApp } from "../support/browser.js";
import { TEST_NOW } from "../support/clock.js";
import { smtpSink } from "../support/smtp-sink.js";

const pglite = backends()[0];

/** A customer's site on another port: one page for every path, with the one-line snippet. */
function site(base: string, key: string, extra = "") {
	const server = createServer((_request, response) => {
		response.writeHead(200, { "content-type": "text/html" });
		response.end(`<!doctype html><html><head><title>Acme</title>
<script async src="${base}/t.js" data-key="${key}"${extra}></script></head>
<body><h1>Acme</h1><a href="/pricing">Pricing</a></body></html>`);
	});
	return new Promise<{ url: string; server: Server }>((resolve) =>
		server.listen(0, "127.0.0.1", () =>
			resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
		),
	);
}

describe.skipIf(!inject("chromium"))("Qualify's tracker on a site, in Chromium", () => {
	let database: Database;
	let browser: Browser;
	let server: Awaited<ReturnType<typeof serveApp>>;
	let key: string;
	const sites: Server[] = [];
	/** the server's clock: a person takes a few seconds over a form, a bot none */
	const clock = fixedClock(TEST_NOW);
	const seconds = (n: number) => clock.set(new Date(clock.now().getTime() + n * 1000));
	beforeEach(() => clock.set(TEST_NOW));

	beforeAll(async () => {
		if (!pglite) throw new Error("PGlite backend missing");
		database = await pglite.open();
		key = (await createApiKey(database.db, "write", "site")).key;
		await createForm(
			database.db,
			{
				name: "Guide",
				slug: "guide",
				definition: {
					title: "Get the guide",
					fields: [{ name: "email", label: "Work e-mail", type: "email", required: true }],
					minSeconds: 2,
				},
			},
			"http://q.test",
		);
		server = await serveApp(database, { clock });
		browser = await launchChromium();
	}, 120_000);
	afterAll(async () => {
		await browser?.close();
		for (const s of sites) s.close();
		await server?.close();
		await database?.close();
	});

	async function visit(extra = "") {
		const s = await site(server.base, key, extra);
		sites.push(s.server);
		const context = await browser.newContext();
		const page = await context.newPage();
		await page.clock.install({ time: TEST_NOW });
		const batches: string[] = [];
		page.on("request", (r) => {
			if (r.url().endsWith("/v1/batch")) batches.push(r.postData() ?? "");
		});
		await page.goto(`${s.url}/?utm_source=newsletter`);
		await page.waitForFunction(() => "qualify" in window);
		return { page, batches, url: s.url };
	}
	const eventsOf = async (anonymousId: string) =>
		(
			await sql<{ type: string; event: string | null; page_path: string | null; properties: Record<string, unknown> }>`
				select e.type, e.event, e.page_path, e.properties from events e
				join identities i on i.lead_id = e.lead_id and i.kind = 'anonymous' and i.value = ${anonymousId}
				order by e.timestamp, e.type`.execute(database.db)
		).rows;
	/** each event as its page path or its name, sorted (events of one moment have no order) */
	const labels = (events: Array<{ type: string; event: string | null; page_path: string | null }>) =>
		events.map((e) => (e.type === "page" ? (e.page_path ?? "") : (e.event ?? ""))).sort();
	const anonymousIdOf = (page: Page) =>
		page.evaluate(() => (window as unknown as { qualify: { anonymousId(): string } }).qualify.anonymousId());

	it("records page views, single-page navigation and engaged time, then a form joins them to the lead", async () => {
		const began = Date.now(); // the page's clock runs on in real time too, between the steps it is moved
		const { page } = await visit();
		await page.clock.runFor(1_500);
		const anonymousId = await anonymousIdOf(page);
		await expect.poll(async () => (await eventsOf(anonymousId)).length).toBe(1);
		await page.clock.runFor(4_000); // four seconds on the page
		await page.evaluate(() => history.pushState({}, "", "/pricing"));
		const realSeconds = (Date.now() - began) / 1000;
		await page.clock.runFor(1_500);
		await expect.poll(async () => labels(await eventsOf(anonymousId))).toEqual(["/", "/pricing", "Page Engaged"]);
		const engaged = (await eventsOf(anonymousId)).find((e) => e.event === "Page Engaged");
		expect(engaged?.properties.seconds).toBeGreaterThanOrEqual(5);
		expect(engaged?.properties.seconds).toBeLessThanOrEqual(Math.ceil(5.5 + realSeconds));

		// the same browser fills the hosted form: the lead it identifies has the visits
		await page.goto(`${server.base}/f/guide`);
		await page.getByLabel("Work e-mail").fill("visitor@acme.example");
		// the page's script reported the start: once, for this view
		await expect
			.poll(async () => (await database.db.selectFrom("form_starts").select("token").execute()).length)
			.toBe(1);
		seconds(5);
		await page.getByRole("button", { name: "Send" }).click();
		await page.getByText("Thank you.").waitFor();
		const lead = await database.db
			.selectFrom("leads")
			.select(["id", "source"])
			.where("email", "=", "visitor@acme.example")
			.executeTakeFirstOrThrow();
		const kinds = await sql<{ type: string; event: string | null }>`select type, event from events
			where lead_id = ${lead.id}::uuid order by timestamp, type`.execute(database.db);
		expect(kinds.rows.filter((k) => k.type === "page")).toHaveLength(2);
		expect(kinds.rows.some((k) => k.event === "form_submitted")).toBe(true);
		expect(lead.source).toBe("newsletter");
		await page.screenshot({ path: `${SHOTS}/form-thanks.png` });
		await page.context().close();
	});

	it("sends nothing and sets no cookie before consent, then what waited once it is given", async () => {
		const { page, batches } = await visit(' data-consent="required"');
		await page.evaluate(() =>
			(window as unknown as { qualify: { track(e: string): void } }).qualify.track("Viewed Demo"),
		);
		await page.clock.runFor(10_000);
		expect(batches).toEqual([]);
		expect((await page.context().cookies()).map((c) => c.name)).not.toContain("ajs_anonymous_id");
		await page.evaluate(() => (window as unknown as { qualify: { consent(g: boolean): void } }).qualify.consent(true));
		await page.clock.runFor(1_500);
		await expect.poll(() => batches.length).toBeGreaterThan(0);
		const anonymousId = await anonymousIdOf(page);
		await expect.poll(async () => labels(await eventsOf(anonymousId))).toEqual(["/", "Viewed Demo"]);
		await page.context().close();
	});

	it("refuses a bot that submits in under a second", async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		await page.goto(`${server.base}/f/guide`);
		await page.getByLabel("Work e-mail").fill("quick@spam.example");
		await page.getByRole("button", { name: "Send" }).click(); // the server's clock has not moved: no time at all
		await page.getByText("That did not go through").waitFor();
		const bots = await database.db.selectFrom("leads").select("id").where("email", "=", "quick@spam.example").execute();
		expect(bots).toEqual([]);
		await context.close();
	});

	it("confirms a double opt-in address by a click, then its lead magnet link works once signed and fails altered or expired", async () => {
		const shop = await site(server.base, key);
		sites.push(shop.server);
		await createForm(
			database.db,
			{
				name: "E-book",
				slug: "ebook",
				definition: {
					title: "The buyer's e-book",
					fields: [{ name: "email", label: "E-mail", type: "email", required: true }],
					leadMagnet: { title: "The buyer's e-book", url: `${shop.url}/ebook.pdf`, expiresHours: 24 },
					doubleOptIn: true,
				},
			},
			server.base,
		);
		const context = await browser.newContext();
		const page = await context.newPage();
		await page.goto(`${server.base}/f/ebook`);
		await page.getByLabel("E-mail").fill("reader@acme.example");
		seconds(5);
		await page.getByRole("button", { name: "Send" }).click();
		await page.getByText("we have sent it a link").waitFor();
		const lead = database.db.selectFrom("leads").select("consent_status").where("email", "=", "reader@acme.example");
		expect((await lead.executeTakeFirstOrThrow()).consent_status).toBe("pending");

		// the e-mails go through a real SMTP server; their links are opened in the browser
		const sink = await smtpSink();
		const mailer = smtpMailer(sink.url, "Acme <hello@acme.example>");
		const mail = { mailer, publicUrl: server.base };
		const jobOf = async (kind: string) =>
			String(
				(await database.db.selectFrom("jobs").select("payload").where("kind", "=", kind).executeTakeFirstOrThrow())
					.payload.submissionId,
			);
		const linkIn = (n: number, path: string) =>
			new RegExp(`${server.base}(/${path}/[^\\s"]+)`).exec(String(sink.received[n]?.mail.text))?.[1] ?? "";
		try {
			expect(await sendConfirmation(database.db, await jobOf("form.confirm"), clock.now(), mail)).toBe("sent");
			await page.goto(`${server.base}${linkIn(0, "c")}`);
			await page.getByRole("button", { name: "Yes, it was me" }).click();
			await page.getByText("Your address is confirmed.").waitFor();
			expect((await lead.executeTakeFirstOrThrow()).consent_status).toBe("subscribed");
			expect(await sendLeadMagnet(database.db, await jobOf("form.lead_magnet"), clock.now(), mail)).toBe("sent");
		} finally {
			mailer?.close();
			await sink.close();
		}
		const download = linkIn(1, "d");
		await page.goto(`${server.base}${download}`);
		expect(page.url()).toBe(`${shop.url}/ebook.pdf`);
		await page.goto(`${server.base}${download.replace(/.$/, (c) => (c === "A" ? "B" : "A"))}`);
		await page.getByText("This link is not valid").waitFor();
		seconds(25 * 3600);
		await page.goto(`${server.base}${download}`);
		await page.getByText("This link has expired").waitFor();
		await page.screenshot({ path: `${SHOTS}/form-link-expired.png` });
		await context.close();
	});

	it("refuses a bot that fills the hidden field", async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		await page.goto(`${server.base}/f/guide`);
		await page.getByLabel("Work e-mail").fill("bot@spam.example");
		seconds(5);
		await page.evaluate(() => {
			(document.getElementById("website_url") as HTMLInputElement).value = "http://spam.example";
		});
		await page.getByRole("button", { name: "Send" }).click();
		await page.getByText("That did not go through").waitFor();
		const bots = await database.db.selectFrom("leads").select("id").where("email", "=", "bot@spam.example").execute();
		expect(bots).toEqual([]);
		await context.close();
	});
});
