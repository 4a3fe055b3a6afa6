/**
 * The README's screenshots: the demo funnel in an in-memory store, every page in Chromium.
 *
 *   npm run screenshots      (writes docs/screenshots/*.png)
 */
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import type { Page } from "playwright-core";
import { loadDemo } from "../src/app/load-demo.js";
import { setUpStore } from "../src/app/set-up-store.js";
import { createUser } from "../src/app/users.js";
import { createApp } from "../src/http/app.js";
import { openDatabase } from "../src/storage/database.js";
import { launchChromium } from "./chromium.js";

const OUT = fileURLToPath(new URL("../docs/screenshots", import.meta.url));
mkdirSync(OUT, { recursive: true });

const database = await openDatabase({});
await setUpStore(database.db);
const today = new Date();
today.setUTCHours(0, 0, 0, 0);
await loadDemo(database.db, { leads: 1500, seed: 1, now: today });
await createUser(database.db, { email: "ada@example.com", name: "Ada", role: "admin", password: "demo password 1" });
const webRoot = fileURLToPath(new URL("../web/dist", import.meta.url));
const server = serve({ fetch: createApp({ db: database.db, webRoot }).fetch, port: 0, hostname: "127.0.0.1" });
await new Promise((resolve) => server.once("listening", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1366, height: 820 } });
await page.goto(base);
await page.getByLabel("E-mail").fill("ada@example.com");
await page.getByLabel("Password").fill("demo password 1");
await page.getByRole("button", { name: "Sign in" }).click();
await page.waitForSelector(".who");

async function shoot(name: string, path: string, ready: string, act?: (page: Page) => Promise<void>) {
	await page.goto(`${base}${path}`);
	await page.locator(ready).first().waitFor();
	await page.waitForLoadState("networkidle");
	await act?.(page);
	await page.screenshot({ path: `${OUT}/${name}.png` });
	console.log(`docs/screenshots/${name}.png`);
}

const customer = await database.db
	.selectFrom("leads")
	.select("id")
	.where("stage", "=", "customer")
	.orderBy("last_seen_at", "desc")
	.executeTakeFirstOrThrow();
await shoot("dashboard", "/dashboard", "ol.funnel li[data-step='customer'] a");
await shoot("queue", "/queue", "tbody tr");
await shoot("leads", "/leads?sort=score", "tbody tr");
await shoot("lead-detail", `/leads/${customer.id}`, "ul.rules li");
await shoot("scoring", "/scoring", "li[data-rule='pricing-visit']");
await shoot("scoring-draft", "/scoring", "li[data-rule]", async (p) => {
	await p.getByRole("button", { name: "New draft from this model" }).click();
	const rule = p.locator("[data-block='fit.2'] textarea");
	await rule.waitFor();
	await rule.fill((await rule.inputValue()).replace(/"op": "[a-zA-Z]+"/, '"op": "around"'));
	await p.locator("[data-block='fit.2'] .problems li").waitFor();
	await p.locator("[data-block='fit.1']").scrollIntoViewIfNeeded();
});
await shoot("scoring-publish", page.url().replace(base, ""), "[data-block='fit.2']", async (p) => {
	const rule = p.locator("[data-block='qualification'] textarea");
	await rule.fill(JSON.stringify({ fitAtLeast: 20, engagementAtLeast: 30 }, null, 2));
	await p.getByRole("button", { name: "Publish…" }).click();
	await p.getByRole("dialog").waitFor();
});
await shoot("settings-teams", "/settings/teams", "article[data-team]");
await shoot("settings-users", "/settings/users", "tr[data-user]");
await browser.close();
server.close();
await database.close();
