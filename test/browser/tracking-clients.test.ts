import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createApiKey } from "../../src/app/api-keys.js";
import type { Database } from "../../src/storage/database.js";
import { backends } from "../support/backends.js";
import { launchChromium, newPage, serveApp } from "../support/browser.js";

const pglite = backends()[0];
// Segment's browser library as npm ships it, served by the test's "customer site", never from Segment's CDN.
const BUNDLES = fileURLToPath(new URL("../../node_modules/@segment/analytics-next/dist/umd/", import.meta.url));

/** A customer's website on another origin: a blank page and the library's files. */
async function customerSite(): Promise<{ origin: string; server: Server }> {
	const server = createServer(async (request, response) => {
		const path = new URL(request.url ?? "/", "http://x").pathname;
		const bundle = /^\/(?:ajs|analytics-next\/bundles)\/([\w.-]+\.js)$/.exec(path)?.[1];
		if (bundle) {
			response.writeHead(200, { "content-type": "text/javascript" });
			response.end(await readFile(join(BUNDLES, bundle)));
			return;
		}
		response.writeHead(200, { "content-type": "text/html" });
		response.end(`<!doctype html><html><head><title>Customer site</title></head><body><h1>Pricing</h1></body></html>`);
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe.skipIf(!inject("chromium"))("Segment's browser library and the browser's own senders, in Chromium", () => {
	let database: Database;
	let browser: Browser;
	let api: Awaited<ReturnType<typeof serveApp>>;
	let site: Awaited<ReturnType<typeof customerSite>>;
	let writeKey: string;
	const requests: { path: string; retry: string | null; status: number }[] = [];
	let failNext = 0;

	beforeAll(async () => {
		if (!pglite) throw new Error("PGlite backend missing");
		database = await pglite.open();
		writeKey = (await createApiKey(database.db, "write", "customer site")).key;
		api = await serveApp(database, {
			front: async (request, app) => {
				const path = new URL(request.url).pathname;
				if (request.method === "POST" && failNext > 0 && path !== "/v1/m") {
					failNext--;
					requests.push({ path, retry: request.headers.get("x-retry-count"), status: 503 });
					return new Response("busy", { status: 503, headers: { "access-control-allow-origin": "*" } });
				}
				const response = await app(request);
				if (request.method === "POST")
					requests.push({ path, retry: request.headers.get("x-retry-count"), status: response.status });
				return response;
			},
		});
		site = await customerSite();
		browser = await launchChromium();
	}, 120_000);
	afterAll(async () => {
		await browser?.close();
		await api?.close();
		await new Promise((resolve) => site?.server.close(resolve));
		await database?.close();
	});

	/** The customer's page with the library loaded and pointed at Qualify. */
	async function pageWithLibrary(batching: boolean): Promise<Page> {
		const page = await newPage(browser);
		const failures: string[] = [];
		page.on("pageerror", (error) => failures.push(error.message));
		await page.goto(site.origin);
		await page.addScriptTag({ url: `${site.origin}/ajs/index.js` });
		const apiHost = `${new URL(api.base).host}/v1`;
		await page.evaluate(
			async ({ writeKey, apiHost, origin, batching }) => {
				const segmentIo = {
					apiKey: writeKey,
					apiHost,
					protocol: "http",
					...(batching ? { deliveryStrategy: { strategy: "batching", config: { size: 3, timeout: 300 } } } : {}),
				};
				const { AnalyticsBrowser } = (
					window as unknown as {
						AnalyticsNext: { AnalyticsBrowser: { load: (...args: unknown[]) => Promise<[unknown]> } };
					}
				).AnalyticsNext;
				const [analytics] = await AnalyticsBrowser.load(
					{ writeKey, cdnURL: origin, cdnSettings: { integrations: { "Segment.io": segmentIo } } },
					{ disableClientPersistence: true },
				);
				(window as unknown as { analytics: unknown }).analytics = analytics;
			},
			{ writeKey, apiHost, origin: site.origin, batching },
		);
		expect(failures).toEqual([]);
		return page;
	}

	async function leadEvents(userId: string) {
		const lead = await database.db
			.selectFrom("leads")
			.select(["id", "email"])
			.where("user_id", "=", userId)
			.where("merged_into", "is", null)
			.executeTakeFirst();
		if (!lead) return { lead: null, events: [] };
		const events = await database.db
			.selectFrom("events")
			.select(["type", "event", "page_path", "message_id"])
			.where("lead_id", "=", lead.id)
			.execute();
		return { lead, events };
	}

	it.each([
		["its default mode", false],
		["its batching mode", true],
	] as const)(
		"sends page, identify and track in %s, retries through failures, and joins the visitor to the lead",
		async (_, batching) => {
			const user = batching ? "browser-batching" : "browser-default";
			const page = await pageWithLibrary(batching);
			failNext = 2; // the first two posts meet a busy server: the library must retry
			await page.evaluate(
				async ({ user }) => {
					const a = (window as unknown as { analytics: Record<string, (...args: unknown[]) => Promise<unknown>> })
						.analytics;
					await a.page?.("Pricing", { path: "/pricing", url: `${location.origin}/pricing` });
					await a.page?.("Docs", { path: "/docs", url: `${location.origin}/docs` });
					await a.identify?.(user, { email: `${user}@northwind.com`, title: "VP Sales" });
					await a.track?.("Demo Requested", { plan: "team" });
				},
				{ user },
			);
			await expect.poll(async () => (await leadEvents(user)).events.length, { timeout: 30_000, interval: 250 }).toBe(4);
			const { lead, events } = await leadEvents(user);
			expect(lead?.email).toBe(`${user}@northwind.com`);
			expect(events.map((e) => e.type).sort()).toEqual(["identify", "page", "page", "track"]);
			expect(
				events
					.filter((e) => e.type === "page")
					.map((e) => e.page_path)
					.sort(),
			).toEqual(["/docs", "/pricing"]);
			expect(new Set(events.map((e) => e.message_id)).size).toBe(4); // retried, stored once each
			const paths = requests.map((r) => r.path);
			expect(paths).toContain(batching ? "/v1/b" : "/v1/p");
			expect(requests.some((r) => r.retry !== null && Number(r.retry) > 0 && r.status === 200)).toBe(true);
			expect(requests.filter((r) => r.status >= 400 && r.status !== 503)).toEqual([]);
			await page.close();
		},
		60_000,
	);

	it("takes navigator.sendBeacon and keepalive fetch with the write key in the body", async () => {
		const page = await newPage(browser);
		await page.goto(site.origin);
		const sent = await page.evaluate(
			async ({ writeKey, api }) => {
				const beacon = navigator.sendBeacon(
					`${api}/v1/t`,
					JSON.stringify({ writeKey, userId: "beacon-user", event: "Left Pricing", messageId: "beacon-1" }),
				);
				const response = await fetch(`${api}/v1/batch`, {
					method: "POST",
					keepalive: true,
					headers: { "content-type": "text/plain" },
					body: JSON.stringify({
						writeKey,
						batch: [
							{ type: "page", userId: "beacon-user", properties: { path: "/pricing" }, messageId: "keepalive-1" },
						],
					}),
				});
				return { beacon, status: response.status };
			},
			{ writeKey, api: api.base },
		);
		expect(sent).toEqual({ beacon: true, status: 200 });
		await expect.poll(async () => (await leadEvents("beacon-user")).events.length, { timeout: 10_000 }).toBe(2);
		await page.close();
	});
});
