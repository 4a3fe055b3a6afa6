import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { serve } from "@hono/node-server";
import { Analytics } from "@segment/analytics-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../src/app/api-keys.js";
import { createApp } from "../src/http/app.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { TEST_NOW, testClock } from "./support/clock.js";

describe.each(backends())("HTTP API on $name", (backend) => {
	let database: Database;
	let app: ReturnType<typeof createApp>;
	let writeKey: string;
	let secretKey: string;
	const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString("base64")}`;
	const post = (path: string, body: unknown, key = writeKey, type = "application/json") =>
		app.request(path, {
			method: "POST",
			headers: { authorization: basic(key), "content-type": type },
			body: typeof body === "string" ? body : JSON.stringify(body),
		});
	/** The app on a loopback port, for clients that need a real server. */
	const onLoopback = async () => {
		const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
		await new Promise((resolve) => server.once("listening", resolve));
		const address = server.address();
		const port = typeof address === "object" && address ? address.port : 0;
		return { host: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
	};
	const get = (path: string, key = secretKey) => app.request(path, { headers: { authorization: `Bearer ${key}` } });

	beforeAll(async () => {
		database = await backend.open();
		app = createApp({ db: database.db, clock: testClock() });
		writeKey = (await createApiKey(database.db, "write", "site")).key;
		secretKey = (await createApiKey(database.db, "secret", "admin")).key;
	});
	afterAll(async () => database.close());

	it("refuses a missing or wrong key alike, and a write key on lead routes", async () => {
		const missing = await app.request("/v1/track", { method: "POST", body: "{}" });
		const wrong = await post("/v1/track", {}, "qk_w_nope");
		expect(missing.status).toBe(401);
		expect(wrong.status).toBe(401);
		expect(await missing.json()).toEqual(await wrong.json());
		expect((await get("/v1/leads", writeKey)).status).toBe(403);
	});

	it("rejects bodies that are not JSON, too large or of the wrong type, writing nothing", async () => {
		expect((await post("/v1/track", "{nope")).status).toBe(400);
		expect((await post("/v1/track", "a=1", writeKey, "application/x-www-form-urlencoded")).status).toBe(415);
		const big = { userId: "u", event: "Big", properties: { blob: "x".repeat(40_000) } };
		expect((await post("/v1/track", big)).status).toBe(413);
		const hugeBatch = {
			batch: Array.from({ length: 30 }, (_, i) => ({
				...big,
				messageId: `b${i}`,
				properties: { blob: "y".repeat(20_000) },
			})),
		};
		expect((await post("/v1/batch", hugeBatch)).status).toBe(413);
		const count = await database.db
			.selectFrom("events")
			.select((eb) => eb.fn.countAll<number>().as("n"))
			.executeTakeFirst();
		expect(Number(count?.n)).toBe(0);
	});

	it("stores the good events of a batch and names the bad one by index and field", async () => {
		const response = await post("/v1/batch", {
			batch: [
				{
					type: "identify",
					messageId: "h1",
					userId: "u-1",
					traits: { email: "ada@acme.io", company: { name: "Acme", employee_count: 120 } },
				},
				{ type: "track", messageId: "h2", userId: "u-1" },
				{ type: "page", messageId: "h3", userId: "u-1", properties: { url: "https://acme.io/pricing" } },
			],
		});
		expect(response.status).toBe(400);
		const body = await response.json();
		expect(body).toMatchObject({ accepted: 2, rejected: 1, errors: [{ index: 1, field: "event" }] });
	});

	it("corrects clock skew from sentAt and clamps future timestamps", async () => {
		const now = TEST_NOW.getTime(); // the app's clock: the moment of receipt
		const skew = 3_600_000; // the sender's clock runs an hour fast
		await post("/v1/track", {
			messageId: "skew",
			userId: "u-1",
			event: "Skewed",
			timestamp: new Date(now + skew - 60_000).toISOString(),
			sentAt: new Date(now + skew).toISOString(),
		});
		await post("/v1/track", { messageId: "future", userId: "u-1", event: "Future", timestamp: "2099-01-01T00:00:00Z" });
		const rows = await database.db
			.selectFrom("events")
			.select(["message_id", "timestamp", "received_at"])
			.where("message_id", "in", ["skew", "future"])
			.execute();
		const skewed = rows.find((r) => r.message_id === "skew");
		const future = rows.find((r) => r.message_id === "future");
		expect(skewed?.timestamp.getTime()).toBe(now - 60_000);
		expect(future?.timestamp.getTime()).toBe(future?.received_at.getTime());
	});

	it("lists, reads, pages, updates and deletes leads", async () => {
		for (let i = 0; i < 5; i++) {
			await post("/v1/identify", {
				messageId: `l${i}`,
				userId: `list-${i}`,
				traits: { email: `p${i}@list.io`, first_name: `P${i}` },
			});
		}
		const first = await (await get("/v1/leads?q=list.io&limit=2&sort=createdAt&order=asc")).json();
		expect(first.data).toHaveLength(2);
		const second = await (
			await get(`/v1/leads?q=list.io&limit=2&sort=createdAt&order=asc&cursor=${first.nextCursor}`)
		).json();
		expect(second.data.map((l: { email: string }) => l.email)).not.toContain(first.data[0].email);
		const bad = await get("/v1/leads?limit=9999");
		expect(bad.status).toBe(400);
		expect((await bad.json()).error.problems[0].field).toBe("limit");

		const id = first.data[0].id;
		const lead = await (await get(`/v1/leads/${id}`)).json();
		expect(lead.traits.firstName).toBe("P0");
		expect(lead.identities).toContainEqual({ kind: "email", value: "p0@list.io" });
		const timeline = await (await get(`/v1/leads/${id}/events`)).json();
		expect(timeline.data[0].type).toBe("identify");

		const patched = await app.request(`/v1/leads/${id}`, {
			method: "PATCH",
			headers: { authorization: `Bearer ${secretKey}`, "content-type": "application/json" },
			body: JSON.stringify({ traits: { title: "VP Sales", firstName: null }, consent: { status: "unsubscribed" } }),
		});
		const updated = await patched.json();
		expect(updated.traits).toEqual({ title: "VP Sales" });
		expect(updated.consent.status).toBe("unsubscribed");

		const erased = await app.request(`/v1/leads/${id}`, {
			method: "DELETE",
			headers: { authorization: `Bearer ${secretKey}` },
		});
		expect(erased.status).toBe(204);
		expect((await get(`/v1/leads/${id}`)).status).toBe(404);
	});

	it("serves the web app's scripts compressed and cached by their hashed names, the page itself fresh", async () => {
		const webRoot = fileURLToPath(new URL("../web/dist", import.meta.url));
		const web = createApp({ db: database.db, webRoot, clock: testClock() });
		const page = await web.request("/", { headers: { "accept-encoding": "gzip" } });
		expect(page.headers.get("cache-control")).toBe("no-cache");
		const script = /src="(\/assets\/[^"]+\.js)"/.exec(await page.text())?.[1];
		expect(script).toBeTruthy();
		const asset = await web.request(script ?? "", { headers: { "accept-encoding": "gzip" } });
		expect(asset.headers.get("content-encoding")).toBe("gzip");
		expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
		const bytes = Buffer.from(await asset.arrayBuffer());
		expect(gunzipSync(bytes).toString("utf8").length).toBeGreaterThan(bytes.length);
		const api = await web.request("/v1/leads", {
			headers: { authorization: `Bearer ${secretKey}`, "accept-encoding": "gzip" },
		});
		expect(api.headers.get("cache-control")).toBe(null);
		expect(api.headers.get("content-encoding")).toBe(null);
	});

	it("serves OpenAPI 3.1 and a readable reference", async () => {
		const doc = await (await app.request("/openapi.json")).json();
		expect(doc.openapi).toBe("3.1.0");
		expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/v1/batch", "/v1/track", "/v1/leads/{id}"]));
		const page = await (await app.request("/docs")).text();
		expect(page).toContain("/v1/leads/{id}/events");
	});

	it("stores a Node library batch whole when one of its events carries a NUL", async () => {
		const { host, close } = await onLoopback();
		const failures: unknown[] = [];
		const analytics = new Analytics({ writeKey, host, flushAt: 5, maxRetries: 3 });
		analytics.on("error", (error) => failures.push(error));
		for (let n = 0; n < 5; n++)
			analytics.track({ userId: "nul-1", event: `Step ${n}`, properties: n === 2 ? { note: "a\u0000b" } : {} });
		await analytics.closeAndFlush({ timeout: 10_000 });
		await close();
		expect(failures).toEqual([]);
		const stored = await database.db
			.selectFrom("events")
			.select(["event", "properties"])
			.where("user_id", "=", "nul-1")
			.execute();
		expect(stored).toHaveLength(5);
		expect(stored.find((e) => e.event === "Step 2")?.properties).toEqual({ note: "a\ufffdb" });
	});

	it("takes events from the real Segment Node library unchanged", async () => {
		const { host, close } = await onLoopback();
		const analytics = new Analytics({ writeKey, host, flushAt: 3, maxRetries: 1 });
		analytics.identify({ userId: "seg-1", traits: { email: "seg@client.io", title: "Head of Ops" } });
		analytics.page({ userId: "seg-1", name: "Pricing", properties: { url: "https://client.io/pricing" } });
		analytics.track({ userId: "seg-1", event: "Demo Requested", properties: { plan: "team" } });
		await analytics.closeAndFlush({ timeout: 10_000 });
		await close();
		const leads = await (await get("/v1/leads?q=seg%40client.io")).json();
		expect(leads.data).toHaveLength(1);
		const events = await (await get(`/v1/leads/${leads.data[0].id}/events`)).json();
		expect(events.data.map((e: { type: string }) => e.type).sort()).toEqual(["identify", "page", "track"]);
		expect(events.data.find((e: { type: string }) => e.type === "page").pagePath).toBe("/pricing");
	});
});
