import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiKey } from "../src/app/api-keys.js";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { createApp } from "../src/http/app.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { received } from "./support/clock.js";
import { teamWithOwner } from "./support/sales-team.js";

/** Reads a server-sent event stream until an event of that name, or fails after `ms`. */
async function nextEvent(reader: ReadableStreamDefaultReader<Uint8Array>, name: string, ms = 5_000) {
	const decoder = new TextDecoder();
	let text = "";
	const deadline = Date.now() + ms;
	while (!text.includes(`event: ${name}\n`)) {
		const timeout = new Promise<never>((_, reject) =>
			setTimeout(() => reject(new Error(`no ${name} event within ${ms} ms: ${text}`)), deadline - Date.now()),
		);
		const { value, done } = await Promise.race([reader.read(), timeout]);
		if (done) throw new Error(`stream ended before ${name}: ${text}`);
		text += decoder.decode(value);
	}
	return text;
}

describe.each(backends())("the sales queue's event stream on $name", (backend) => {
	let database: Database;
	let app: ReturnType<typeof createApp>;
	let secret: string;
	const shutdown = new AbortController();
	beforeEach(async () => {
		database = await backend.open();
		app = createApp({ db: database.db, listen: database.listen, shutdown: shutdown.signal });
		secret = (await createApiKey(database.db, "secret", "admin")).key;
		await teamWithOwner(database.db, { name: "Sam", email: "sam@sales.io" });
	});
	afterEach(async () => database.close());

	it("tells an open queue the moment an MQL is handed off, and only callers who may read it", async () => {
		const response = await app.request("/v1/handoffs/events", { headers: { authorization: `Bearer ${secret}` } });
		expect(response.status).toBe(200);
		expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
		const reader = (response.body as ReadableStream<Uint8Array>).getReader();
		await nextEvent(reader, "ready");
		const result = await ingestBatch(
			database.db,
			[
				{ type: "identify", userId: "kim", traits: { email: "kim@acme.io" } },
				{ type: "track", userId: "kim", event: "Demo Requested" },
			],
			received,
		);
		expect(result.accepted).toBe(2);
		await nextEvent(reader, "changed");
		await reader.cancel();

		expect((await app.request("/v1/handoffs/events")).status).toBe(401);
		const write = (await createApiKey(database.db, "write", "site")).key;
		const refused = await app.request("/v1/handoffs/events", { headers: { authorization: `Bearer ${write}` } });
		expect(refused.status).toBe(403);
	});

	it("ends open streams when the server stops", async () => {
		const response = await app.request("/v1/handoffs/events", { headers: { authorization: `Bearer ${secret}` } });
		const reader = (response.body as ReadableStream<Uint8Array>).getReader();
		await nextEvent(reader, "ready");
		shutdown.abort();
		const ended = await Promise.race([
			(async () => {
				for (;;) if ((await reader.read()).done) return true;
			})(),
			new Promise((resolve) => setTimeout(() => resolve(false), 3_000)),
		]);
		expect(ended).toBe(true);
	});
});
