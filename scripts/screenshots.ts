/**
 * The README's screenshots: the demo funnel in an in-memory store, every page in Chromium at a
 * desktop and a phone width, in light and dark mode.
 *
 *   npm run screenshots      (writes docs/screenshots/<page>-<desktop|phone>-<light|dark>.png)
 */
import { mkdirSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import type { Browser, Page } from "playwright-core";
import { createApiKey } from "../src/app/api-keys.js";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { loadDemo } from "../src/app/load-demo.js";
import { setUpStore } from "../src/app/set-up-store.js";
import { systemClock } from "../src/app/system-clock.js";
import { createUser } from "../src/app/users.js";
import { createApp } from "../src/http/app.js";
import { openDatabase } from "../src/storage/database.js";
import { launchChromium } from "./chromium.js";

const OUT = fileURLToPath(new URL("../docs/screenshots", import.meta.url));
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

const database = await openDatabase({});
await setUpStore(database.db);
const today = systemClock.now();
today.setUTCHours(0, 0, 0, 0);
await loadDemo(database.db, { leads: 1500, seed: 1, now: today });
// a few hand-raisers of this morning: the queue has work in it
const fresh = ["Dana Whitfield", "Tomás Ortega", "Priya Raman"].flatMap((name, i) => {
	const [firstName, lastName] = name.split(" ");
	const userId = `fresh-${i}`;
	return [
		{
			type: "identify",
			userId,
			traits: {
				email: `${firstName?.toLowerCase()}@northwind${i}.com`,
				firstName,
				lastName,
				title: "VP Marketing",
				company: `Northwind ${i + 1}`,
				phone: `+1 415 555 01${i}`,
			},
		},
		{ type: "track", userId, event: "Demo Requested" },
	];
});
await ingestBatch(database.db, fresh, { receivedAt: systemClock.now() });
await createUser(database.db, {
	email: "ada@example.com",
	name: "Ada Admin",
	role: "admin",
	password: "demo password 1",
});
await createApiKey(database.db, "write", "website");
await createApiKey(database.db, "secret", "CRM sync");
const webRoot = fileURLToPath(new URL("../web/dist", import.meta.url));
const server = serve({ fetch: createApp({ db: database.db, webRoot }).fetch, port: 0, hostname: "127.0.0.1" });
await new Promise((resolve) => server.once("listening", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const customer = await database.db
	.selectFrom("leads")
	.select("id")
	.where("stage", "=", "customer")
	.orderBy("last_seen_at", "desc")
	.executeTakeFirstOrThrow();
const models = await database.db.selectFrom("scoring_models").select("id").execute();

interface Shot {
	name: string;
	path: string;
	ready: string;
	act?: (page: Page) => Promise<void>;
}
const SHOTS: Shot[] = [
	{ name: "dashboard", path: "/dashboard", ready: "ol.funnel li[data-step='customer'] a" },
	{ name: "queue", path: "/queue", ready: "tbody tr" },
	{ name: "leads", path: "/leads?sort=score", ready: "tbody tr" },
	{ name: "lead-detail", path: `/leads/${customer.id}`, ready: "ul.rules li" },
	{ name: "scoring", path: "/scoring", ready: "li[data-rule='pricing-visit']" },
	{
		name: "rule-builder",
		path: "/scoring",
		ready: "li[data-rule]",
		act: async (p) => {
			await p.getByRole("button", { name: "New draft from this model" }).click();
			const card = p.locator("[data-rule-card='fit.Fit rule 3']");
			await card.waitFor();
			await card.getByRole("button", { name: "JSON" }).click();
			const json = card.getByLabel("Fit rule 3 as JSON");
			await json.fill((await json.inputValue()).replace(/"op": "[a-zA-Z]+"/, '"op": "around"'));
			await card.locator(".problems li").waitFor();
			await card.getByRole("button", { name: "JSON" }).scrollIntoViewIfNeeded();
		},
	},
	{ name: "signals", path: "/scoring/signals", ready: "tr[data-signal]" },
	{ name: "compare", path: `/scoring/compare?from=${models[0]?.id}&to=${models[0]?.id}`, ready: "article.compare h1" },
	{ name: "settings-users", path: "/settings/users", ready: "tr[data-user]" },
	{ name: "settings-teams", path: "/settings/teams", ready: "article[data-team]" },
	{ name: "settings-webhooks", path: "/settings/webhooks", ready: "form" },
	{ name: "settings-api-keys", path: "/settings/api-keys", ready: "tr[data-key]" },
	{ name: "account", path: "/account", ready: "form[aria-label='Change your password']" },
];

async function shootAll(browser: Browser, width: "desktop" | "phone", scheme: "light" | "dark") {
	const viewport = width === "desktop" ? { width: 1366, height: 860 } : { width: 390, height: 844 };
	const page = await browser.newPage({ viewport, colorScheme: scheme });
	await page.goto(base);
	await page.screenshot({ path: `${OUT}/sign-in-${width}-${scheme}.png` });
	await page.getByLabel("E-mail").fill("ada@example.com");
	await page.getByLabel("Password").fill("demo password 1");
	await page.getByRole("button", { name: "Sign in" }).click();
	await page.waitForSelector(".who");
	for (const shot of SHOTS) {
		await page.goto(`${base}${shot.path}`);
		await page.locator(shot.ready).first().waitFor();
		await page.waitForLoadState("networkidle");
		await shot.act?.(page);
		const file = `${shot.name}-${width}-${scheme}.png`;
		await page.screenshot({ path: `${OUT}/${file}` });
		console.log(`docs/screenshots/${file}`);
	}
	await page.close();
}

const browser = await launchChromium();
for (const width of ["desktop", "phone"] as const)
	for (const scheme of ["light", "dark"] as const) await shootAll(browser, width, scheme);
await browser.close();
server.close();
await database.close();
