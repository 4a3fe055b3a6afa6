import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createApiKey } from "../../src/app/api-keys.js";
import { createUser } from "../../src/app/users.js";
import type { Database } from "../../src/storage/database.js";
import { backends } from "../support/backends.js";
import { accessibilityProblems, launchChromium, newPage, SHOTS, serveApp } from "../support/browser.js";
import { teamWithOwner } from "../support/sales-team.js";

const pglite = backends()[0];

describe.skipIf(!inject("chromium"))("the web app in Chromium", () => {
	let database: Database;
	let browser: Browser;
	let server: Awaited<ReturnType<typeof serveApp>>;
	let base: string;

	beforeAll(async () => {
		if (!pglite) throw new Error("PGlite backend missing");
		database = await pglite.open();
		server = await serveApp(database);
		base = server.base;
		browser = await launchChromium();
	});
	afterAll(async () => {
		await browser?.close();
		await server?.close();
		await database?.close();
	});

	it("offers the first-run setup while no user exists, only to the holder of the admin key", async () => {
		const { key } = await createApiKey(database.db, "secret", "first run");
		const page = await newPage(browser);
		await page.goto(base);
		await page.getByLabel("Admin secret key").fill("qk_s_guessed");
		await page.getByLabel("Your name").fill("Grace");
		await page.getByLabel("E-mail").fill("grace@example.com");
		await page.getByLabel(/^Password/).fill("first admin password");
		await page.getByRole("button", { name: "Create admin and sign in" }).click();
		await expect.poll(() => page.getByRole("alert").textContent()).toBe("That is not the admin secret key.");
		await page.screenshot({ path: `${SHOTS}/setup.png` });
		expect(await accessibilityProblems(page)).toEqual([]);
		await page.getByLabel("Admin secret key").fill(key);
		await page.getByRole("button", { name: "Create admin and sign in" }).click();
		await page.waitForSelector(".who");
		expect(await page.textContent(".who")).toBe("Grace (admin)");
		// an empty store: the dashboard offers the demo (the first-run test loads it)
		await page.getByRole("region", { name: "No leads yet" }).getByRole("button", { name: "Load the demo" }).waitFor();
		await page.getByRole("button", { name: "Sign out" }).click();
		await page.waitForSelector("form[aria-label='Sign in']"); // set up once: now it is sign-in
		await page.close();
	});

	it("signs in, shows who is signed in with their text inert, and signs out", async () => {
		await createUser(database.db, {
			email: "ada@example.com",
			name: `Ada <img src=x onerror="window.__xss=1">`,
			role: "admin",
			password: "correct horse battery",
		});
		const page = await newPage(browser);
		await page.goto(base);
		await page.getByLabel("E-mail").fill("ada@example.com");
		await page.getByLabel("Password").fill("wrong password!");
		await page.getByRole("button", { name: "Sign in" }).click();
		await expect.poll(() => page.getByRole("alert").textContent()).toBe("Wrong e-mail or password.");
		await page.screenshot({ path: `${SHOTS}/sign-in-refused.png` });
		expect(await accessibilityProblems(page)).toEqual([]);

		await page.getByLabel("Password").fill("correct horse battery");
		await page.keyboard.press("Enter");
		await page.waitForSelector(".who");
		expect(await page.textContent(".who")).toBe(`Ada <img src=x onerror="window.__xss=1"> (admin)`);
		expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
		expect(await page.locator("img").count()).toBe(0);
		await page.screenshot({ path: `${SHOTS}/signed-in.png` });

		// the active model reads as sentences
		await page.getByRole("link", { name: "Scoring" }).click();
		const pricing = page.locator("li[data-rule='pricing-visit']");
		await pricing.waitFor();
		expect(await pricing.textContent()).toMatch(
			/^\+10 for a page visit where path starts with "\/pricing", at most once a day/,
		);
		expect(await page.locator("li[data-rule='qualification']").textContent()).toMatch(/grade A is at least warm/);
		await page.screenshot({ path: `${SHOTS}/scoring.png`, fullPage: true });
		expect(new URL(page.url()).pathname).toBe("/scoring");

		// an admin subscribes a webhook: the secret is shown once, the endpoint listed
		await page.getByRole("link", { name: "Settings" }).click();
		await page.getByRole("link", { name: "Webhooks" }).click();
		await page.getByLabel("URL", { exact: true }).fill("https://hooks.example.com/qualify");
		await page.getByLabel("an MQL is assigned to a rep").check();
		await page.getByRole("button", { name: "Subscribe" }).click();
		expect(await page.locator(".secret code").textContent()).toMatch(/^whsec_/);
		await page.getByText("Subscribed. Copy the signing secret now").waitFor();
		const endpoint = page.locator("article[data-endpoint='https://hooks.example.com/qualify']");
		await expect
			.poll(() => endpoint.textContent())
			.toMatch(/Sends when a lead becomes an MQL; an MQL is assigned to a rep\..*No deliveries yet\./);
		await page.screenshot({ path: `${SHOTS}/webhooks.png` });
		await page.getByRole("link", { name: "Scoring" }).click();

		// the cookie is not readable by scripts, and a reload keeps the session
		expect(await page.evaluate(() => document.cookie)).toBe("");
		await page.reload();
		await page.waitForSelector(".who");
		await page.locator("li[data-rule='pricing-visit']").waitFor(); // the page path survives the reload
		await page.getByRole("button", { name: "Sign out" }).click();
		await page.waitForSelector("form[aria-label='Sign in']");
		await page.close();
	});

	it("serves the API beside the app: unknown API paths stay JSON 404s", async () => {
		const response = await fetch(`${base}/v1/nothing-here`);
		expect(response.status).toBe(404);
		expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
		const deep = await fetch(`${base}/leads/123`);
		expect(deep.status).toBe(200);
		expect(await deep.text()).toContain('<div id="root">');
	});

	it("shows a new MQL in the sales queue within seconds of the event, and accepts and rejects from it", async () => {
		await teamWithOwner(database.db, { name: "Sam", email: "sam@sales.io" });
		await createUser(database.db, { email: "sam@sales.io", name: "Sam", role: "sales", password: "sales password 1" });
		const { key } = await createApiKey(database.db, "write", "site");
		const page = await newPage(browser);
		await page.goto(base);
		await page.getByLabel("E-mail").fill("sam@sales.io");
		await page.getByLabel("Password").fill("sales password 1");
		await page.getByRole("button", { name: "Sign in" }).click();
		await page.getByText("No open MQLs.").waitFor();
		await page.locator("section[data-live='true']").waitFor(); // the queue's event stream is listening

		// two leads ask for a demo through the public ingest API, as a website would
		const send = (user: string, traits: Record<string, unknown>) =>
			fetch(`${base}/v1/batch`, {
				method: "POST",
				headers: {
					authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}`,
					"content-type": "application/json",
				},
				body: JSON.stringify({
					batch: [
						{ type: "identify", userId: user, traits: { email: `${user}@acme.io`, ...traits } },
						{ type: "track", userId: user, event: "Demo Requested" },
					],
				}),
			});
		await send("kim", { firstName: "Kim", company: "Acme <script>alert(1)</script>" });
		await send("lou", { firstName: "Lou", company: "Initech" });
		const kim = page.locator("tr[data-lead='kim@acme.io']");
		// The queue polls only every 20 s: in time here means the event stream told it.
		await kim.waitFor({ timeout: 5_000 });
		expect(await kim.textContent()).toContain("Acme <script>alert(1)</script>");
		expect(await kim.textContent()).toMatch(/hand-raiser/);
		await page.screenshot({ path: `${SHOTS}/queue.png` });

		// the lead's page explains the score rule by rule
		await kim.getByRole("link", { name: "Kim" }).click();
		const demo = page.locator("li[data-rule='demo-request']");
		await demo.waitFor();
		expect(await demo.textContent()).toMatch(/\+40 demo-request — asking for a demo is the strongest buying signal/);
		expect(await page.getByLabel("Score").textContent()).toMatch(/Qualifies: hand-raiser/);
		// the two events and the move to MQL, newest first
		await expect.poll(() => page.locator("table.timeline tbody tr").count()).toBe(3);
		expect(await page.locator("table.timeline tbody tr[data-kind='stage']").textContent()).toMatch(/lead → mql/);
		expect(await page.textContent("h1")).toBe("Kim");
		await page.screenshot({ path: `${SHOTS}/lead-detail.png`, fullPage: true });
		await page.goBack();
		await kim.waitFor();

		await kim.getByRole("button", { name: "Accept" }).click();
		await page.getByText("Accepted Kim: an SQL now.").waitFor();
		const lou = page.locator("tr[data-lead='lou@acme.io']");
		await lou.getByRole("button", { name: "Reject…" }).click();
		await lou.getByLabel("Reason").selectOption("no_budget");
		await lou.getByLabel("Note").fill("next fiscal year");
		await lou.getByRole("button", { name: "Reject", exact: true }).click();
		await page.getByText("No open MQLs.").waitFor();
		await page.screenshot({ path: `${SHOTS}/queue-worked.png` });

		// sales has no webhook settings: no link, and the API refuses the page's requests
		expect(await page.getByRole("link", { name: "Settings" }).count()).toBe(0);
		await page.evaluate(() => {
			window.history.pushState(null, "", "/settings/webhooks");
			window.dispatchEvent(new PopStateEvent("popstate"));
		});
		await expect.poll(() => page.getByRole("alert").textContent()).toBe("Your role (sales) may not do this.");

		// the leads list filters by stage and offers the same selection as CSV
		await page.getByRole("link", { name: "Leads", exact: true }).click();
		await page.locator("tr[data-lead='lou@acme.io']").waitFor();
		await page.getByLabel("Stage").selectOption("sql");
		await page.waitForFunction(() => document.querySelectorAll("tbody tr").length === 1);
		expect(await page.locator("tbody tr").getAttribute("data-lead")).toBe("kim@acme.io");
		expect(await page.getByRole("link", { name: "Export CSV" }).getAttribute("href")).toBe(
			"/v1/leads/export.csv?stage=sql",
		);
		await page.screenshot({ path: `${SHOTS}/leads.png` });

		const stages = await database.db.selectFrom("leads").select(["email", "stage"]).orderBy("email").execute();
		expect(stages.filter((l) => l.email !== null)).toEqual([
			{ email: "kim@acme.io", stage: "sql" },
			{ email: "lou@acme.io", stage: "recycled" },
		]);
		const rejection = await database.db
			.selectFrom("handoffs")
			.select(["rejection", "note"])
			.where("status", "=", "rejected")
			.executeTakeFirstOrThrow();
		expect(rejection).toEqual({ rejection: "no_budget", note: "next fiscal year" });
		await page.close();
	});
});
