import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createApiKey } from "../../src/app/api-keys.js";
import { createForm } from "../../src/app/forms/forms.js";
import type { Database } from "../../src/storage/database.js";
import { backends } from "../support/backends.js";
import { launchChromium, SHOTS, serveApp } from "../support/browser.js";
import { TEST_NOW } from "../support/clock.js";

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
					minSeconds: 0,
				},
			},
			"http://q.test",
		);
		server = await serveApp(database);
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
		const { page } = await visit();
		await page.clock.runFor(1_500);
		const anonymousId = await anonymousIdOf(page);
		await expect.poll(async () => (await eventsOf(anonymousId)).length).toBe(1);
		await page.clock.runFor(4_000); // four seconds on the page
		await page.evaluate(() => history.pushState({}, "", "/pricing"));
		await page.clock.runFor(1_500);
		await expect.poll(async () => labels(await eventsOf(anonymousId))).toEqual(["/", "/pricing", "Page Engaged"]);
		const engaged = (await eventsOf(anonymousId)).find((e) => e.event === "Page Engaged");
		expect(engaged?.properties.seconds).toBeGreaterThanOrEqual(5);
		expect(engaged?.properties.seconds).toBeLessThanOrEqual(6);

		// the same browser fills the hosted form: the lead it identifies has the visits
		await page.goto(`${server.base}/f/guide`);
		await page.getByLabel("Work e-mail").fill("visitor@acme.example");
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

	it("refuses a bot that fills the hidden field", async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		await page.goto(`${server.base}/f/guide`);
		await page.getByLabel("Work e-mail").fill("bot@spam.example");
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
