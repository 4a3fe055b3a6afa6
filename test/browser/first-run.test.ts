import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createUser } from "../../src/app/users.js";
import type { Database } from "../../src/storage/database.js";
import { backends } from "../support/backends.js";
import { launchChromium, newPage, SHOTS, serveApp, signInAs } from "../support/browser.js";

const pglite = backends()[0];

describe.skipIf(!inject("chromium"))("the first run, in Chromium", () => {
	let database: Database;
	let browser: Browser;
	let server: Awaited<ReturnType<typeof serveApp>>;

	beforeAll(async () => {
		if (!pglite) throw new Error("PGlite backend missing");
		database = await pglite.open();
		await createUser(database.db, {
			email: "grace@example.com",
			name: "Grace",
			role: "admin",
			password: "first admin pw",
		});
		server = await serveApp(database);
		browser = await launchChromium();
	}, 120_000);
	afterAll(async () => {
		await browser?.close();
		await server?.close();
		await database?.close();
	});

	it("loads the demo into an empty store from the dashboard, with the server running, and shows its funnel", async () => {
		const page = await newPage(browser);
		await signInAs(page, server.base, "grace@example.com", "first admin pw");
		const offer = page.getByRole("region", { name: "No leads yet" });
		await offer.waitFor();
		await page.screenshot({ path: `${SHOTS}/first-run-empty.png` });
		await offer.getByRole("button", { name: "Load the demo" }).click();
		await offer.getByText(/^Loaded 2000 demo leads and \d+ events; the demo sales team has \d+ MQLs open\.$/).waitFor({
			timeout: 170_000,
		});
		// the dashboard reloads with the demo's funnel
		await expect
			.poll(async () =>
				Number((await page.locator("ol.funnel li[data-step='lead'] a").textContent())?.replace(/\D/g, "")),
			)
			.toBeGreaterThan(0);
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
	}, 200_000);
});
