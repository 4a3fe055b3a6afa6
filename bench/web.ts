/**
 * Is the web app responsive with 10,000 leads? Loads the demo funnel (BENCH_LEADS, default
 * 10,000) into PostgreSQL, then measures, in the same run:
 *   - each page's API requests, p50 and p95 of 30, as ratios to the plainest page of leads
 *     (newest first, an index scan) — the baseline;
 *   - in Chromium, each page from navigation to its content on screen, and the longest task
 *     that blocked the main thread meanwhile (above 50 ms a click or a key waits).
 *
 *   npm run bench:web
 */
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { sql } from "kysely";
import { launchChromium } from "../scripts/chromium.js";
import { createApiKey } from "../src/app/api-keys.js";
import { loadDemo } from "../src/app/load-demo.js";
import { setUpStore } from "../src/app/set-up-store.js";
import { createUser } from "../src/app/users.js";
import { createApp } from "../src/http/app.js";
import { openDatabase } from "../src/storage/database.js";
import { freshDatabase, quantile } from "./bench-database.js";

const LEADS = Number(process.env.BENCH_LEADS ?? 10_000);

const database = await openDatabase({ url: await freshDatabase("qualify_bench_web"), poolSize: 8 });
await setUpStore(database.db);
const today = new Date();
today.setUTCHours(0, 0, 0, 0);
let started = performance.now();
const demo = await loadDemo(database.db, { leads: LEADS, seed: 7, now: today }, (s) => {
	if (s.leads % 1000 === 0) process.stderr.write(`\rloading the demo: ${s.leads} leads…`);
});
process.stderr.write("\n");
console.log(
	`Loaded ${demo.leads} leads, ${demo.stored} events in ${((performance.now() - started) / 1000).toFixed(0)} s; ` +
		`demo sales: ${demo.sales?.accepted} accepted, ${demo.sales?.rejected} rejected, ${demo.sales?.open} open.`,
);
await sql`analyze`.execute(database.db);
await createUser(database.db, {
	email: "bench@example.com",
	name: "Bench",
	role: "admin",
	password: "bench password 1",
});
const webRoot = fileURLToPath(new URL("../web/dist", import.meta.url));
const server = serve({
	fetch: createApp({ db: database.db, webRoot, listen: database.listen }).fetch,
	port: 0,
	hostname: "127.0.0.1",
});
await new Promise((resolve) => server.once("listening", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// The API, as the pages call it, with a session cookie.
const session = await fetch(`${base}/v1/session`, {
	method: "POST",
	headers: { "content-type": "application/json" },
	body: JSON.stringify({ email: "bench@example.com", password: "bench password 1" }),
});
const cookie = (session.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
const from = new Date(today.getTime() - 89 * 86_400_000).toISOString().slice(0, 10);
const to = today.toISOString().slice(0, 10);
const requests: Array<[string, string]> = [
	["baseline: newest leads", "/v1/leads?limit=50&sort=createdAt"],
	["leads by score", "/v1/leads?limit=50&sort=score"],
	["leads, search", "/v1/leads?limit=50&sort=lastSeenAt&q=grace"],
	["leads, hot from google", "/v1/leads?limit=50&sort=lastSeenAt&temperature=hot&source=google"],
	["leads, reached SQL in 90 days", `/v1/leads?limit=50&reached=sql&firstSeenAfter=${from}T00:00:00Z`],
	["dashboard, 90 days", `/v1/metrics/funnel?from=${from}&to=${to}`],
	["sales queue", "/v1/handoffs?status=open"],
];
const timings = new Map<string, number[]>();
for (let round = 0; round < 30; round++)
	for (const [name, path] of requests) {
		const t = performance.now();
		const response = await fetch(`${base}${path}`, { headers: { cookie } });
		if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
		await response.arrayBuffer();
		timings.set(name, [...(timings.get(name) ?? []), performance.now() - t]);
	}
const baseline = quantile(timings.get("baseline: newest leads") ?? [], 0.5);
console.log("\n| API request | p50 ms | p95 ms | p50 ÷ baseline |\n| --- | ---: | ---: | ---: |");
for (const [name] of requests) {
	const values = timings.get(name) ?? [];
	const p50 = quantile(values, 0.5);
	console.log(
		`| ${name} | ${p50.toFixed(1)} | ${quantile(values, 0.95).toFixed(1)} | ${(p50 / baseline).toFixed(2)} |`,
	);
}

// The pages in Chromium.
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
await page.addInitScript(() => {
	const w = window as unknown as { __longest: number };
	w.__longest = 0;
	new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) w.__longest = Math.max(w.__longest, entry.duration);
	}).observe({ type: "longtask", buffered: true });
});
await page.goto(base);
await page.getByLabel("E-mail").fill("bench@example.com");
await page.getByLabel("Password").fill("bench password 1");
await page.getByRole("button", { name: "Sign in" }).click();
await page.waitForSelector(".who");
const pages: Array<[string, string, string]> = [
	["dashboard", "/dashboard", "ol.funnel li[data-step='customer'] a"],
	["leads by score", "/leads?sort=score", "tbody tr"],
	["sales queue", "/queue", "tbody tr"],
];
console.log("\n| page | navigation → content, ms | longest main-thread task, ms |\n| --- | ---: | ---: |");
for (const [name, path, ready] of pages) {
	const samples: number[] = [];
	const longest: number[] = [];
	for (let i = 0; i < 5; i++) {
		started = performance.now();
		await page.goto(`${base}${path}`);
		await page.locator(ready).first().waitFor();
		samples.push(performance.now() - started);
		longest.push(await page.evaluate(() => (window as unknown as { __longest: number }).__longest));
	}
	console.log(`| ${name} | ${quantile(samples, 0.5).toFixed(0)} | ${Math.max(...longest).toFixed(0)} |`);
}
// Typing a search on the leads page: every key must stay answered while rows reload.
await page.goto(`${base}/leads`);
await page.locator("tbody tr").first().waitFor();
await page.evaluate(() => {
	(window as unknown as { __longest: number }).__longest = 0;
});
started = performance.now();
await page.getByLabel("Search").pressSequentially("grace", { delay: 60 });
await page.waitForFunction(() =>
	[...document.querySelectorAll("tbody tr a")].every((a) => /grace/i.test(a.closest("tr")?.textContent ?? "")),
);
const typed = performance.now() - started;
const longestTyping = await page.evaluate(() => (window as unknown as { __longest: number }).__longest);
console.log(
	`| leads, typing "grace" to filtered rows | ${typed.toFixed(0)} | ${longestTyping.toFixed(0)} |\n\n(${LEADS} leads)`,
);

// A hand-raiser reaches an open queue: from the ingest response to the row on screen.
// (The demo's open handoffs are set aside first: the queue lists the 50 most urgent, and a new
// MQL, due last, would be below them.)
await sql`update handoffs set status = 'closed' where status = 'open'`.execute(database.db);
const { key } = await createApiKey(database.db, "write", "bench");
await page.goto(`${base}/queue`);
await page.getByText("No open MQLs.").waitFor();
await page.locator("section[data-live='true']").waitFor();
const arrivals: number[] = [];
for (let i = 0; i < 20; i++) {
	const email = `hand-raiser-${i}-${Date.now()}@bench.io`;
	const response = await fetch(`${base}/v1/batch`, {
		method: "POST",
		headers: {
			authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}`,
			"content-type": "application/json",
		},
		body: JSON.stringify({
			batch: [
				{ type: "identify", userId: email, traits: { email, firstName: "Hand", lastName: `Raiser ${i}` } },
				{ type: "track", userId: email, event: "Demo Requested" },
			],
		}),
	});
	if (!response.ok) throw new Error(`ingest: ${response.status}`);
	started = performance.now();
	await page.locator(`tr[data-lead='${email}']`).waitFor({ timeout: 30_000 });
	arrivals.push(performance.now() - started);
}
console.log(
	`\nNew MQL from ingest response to the queue on screen (server-sent events; the poll is 20 s): p50 ${quantile(arrivals, 0.5).toFixed(0)} ms, p95 ${quantile(arrivals, 0.95).toFixed(0)} ms, max ${Math.max(...arrivals).toFixed(0)} ms (20 MQLs)`,
);
await browser.close();
(server as import("node:http").Server).closeAllConnections(); // the queue's event stream
server.close();
await database.close();
