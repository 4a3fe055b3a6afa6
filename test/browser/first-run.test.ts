import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createApiKey } from "../../src/app/api-keys.js";
import type { Database } from "../../src/storage/database.js";
import { backends } from "../support/backends.js";
import { launchChromium, newPage, SHOTS, serveApp } from "../support/browser.js";

const pglite = backends()[0];

describe.skipIf(!inject("chromium"))("the first run, in Chromium", () => {
	let database: Database;
	let browser: Browser;
	let server: Awaited<ReturnType<typeof serveApp>>;
	let secret: string;

	beforeAll(async () => {
		if (!pglite) throw new Error("PGlite backend missing");
		database = await pglite.open();
		secret = (await createApiKey(database.db, "secret", "first run")).key;
		server = await serveApp(database);
		browser = await launchChromium();
	}, 120_000);
	afterAll(async () => {
		await browser?.close();
		await server?.close();
		await database?.close();
	});

	it("loads the demo from the first-run page into the empty store, with the server running, and shows its funnel", async () => {
		const page = await newPage(browser);
		await page.goto(server.base);
		await page.getByLabel("Admin secret key").fill(secret);
		await page.getByLabel("Your name").fill("Grace");
		await page.getByLabel("E-mail").fill("grace@example.com");
		await page.getByLabel(/^Password/).fill("first admin password");
		await page.getByLabel("Also load demo data").check();
		await page.getByRole("button", { name: "Create admin and sign in" }).click();
		// on a busy machine (CI runs the browser suites side by side, and this store is PGlite in the
		// test's own thread) the password hash and the demo's start can take longer than 30 s
		await page.waitForSelector(".who", { timeout: 120_000 });
		// the running server loads it: the dashboard shows it loading, then the demo's funnel
		await expect
			.poll(async () =>
				Number((await page.locator("ol.funnel li[data-step='lead'] a").textContent())?.replace(/\D/g, "")),
			)
			.toBeGreaterThan(0);
		await expect
			.poll(() => page.evaluate(async () => (await (await fetch("/v1/setup/demo")).json()).state), { timeout: 150_000 })
			.toBe("done");
		await page.screenshot({ path: `${SHOTS}/first-run-demo-loaded.png` });
		const leads = await database.db
			.selectFrom("leads")
			.select((eb) => eb.fn.countAll<number>().as("n"))
			.executeTakeFirst();
		expect(Number(leads?.n)).toBeGreaterThan(1500); // 2000 people, a few known only by anonymous ids merged
		// a second load is refused: the store is not empty any more
		const again = await page.evaluate(async () => {
			const session = await (await fetch("/v1/session")).json();
			const response = await fetch("/v1/setup/demo", {
				method: "POST",
				headers: { "x-csrf-token": session.csrfToken },
			});
			return { status: response.status, body: await response.json() };
		});
		expect(again.status).toBe(409);
		expect(again.body.error.message).toMatch(/only into an empty store/);
		await page.close();
	}, 300_000);
});
