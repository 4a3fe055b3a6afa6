import { describe, expect, it } from "vitest";
import { BROWSER_CALLS_PER_MINUTE } from "../src/http/ingest-routes.js";
import { appHarness } from "./support/app-harness.js";
import { backends } from "./support/backends.js";

describe.each(backends())("write keys for browsers on $name", (backend) => {
	const h = appHarness(backend);
	const { call, clock } = h;
	const send = (writeKey: string, origin?: string) =>
		h.app.request("/v1/batch", {
			method: "POST",
			headers: { "content-type": "text/plain", ...(origin ? { origin } : {}) },
			body: JSON.stringify({ writeKey, batch: [{ type: "page", anonymousId: "a1", messageId: crypto.randomUUID() }] }),
		});

	it("takes a limited key's calls only from its sites; servers, which send no Origin, are not limited", async () => {
		const refused = await call("POST", "/v1/api-keys", {
			kind: "secret",
			name: "x",
			origins: ["https://www.acme.com"],
		});
		expect(refused.status).toBe(400);
		const bad = await call("POST", "/v1/api-keys", { kind: "write", name: "x", origins: ["www.acme.com/path"] });
		expect(bad.body.error.problems[0].field).toBe("origins.0");
		const made = await call("POST", "/v1/api-keys", { kind: "write", name: "site", origins: ["https://www.acme.com"] });
		expect(made.body.origins).toEqual(["https://www.acme.com"]);
		expect((await send(made.body.key, "https://www.acme.com")).status).toBe(200);
		const elsewhere = await send(made.body.key, "https://evil.example");
		expect(elsewhere.status).toBe(403);
		expect((await elsewhere.json()).error.message).toBe(
			"This write key takes calls from https://www.acme.com, not https://evil.example.",
		);
		expect((await send(made.body.key)).status).toBe(200);
		const open = await call("POST", "/v1/api-keys", { kind: "write", name: "any site" });
		expect((await send(open.body.key, "https://anywhere.example")).status).toBe(200);
	});

	it("limits calls from pages per client address, and lets them through again a minute later", async () => {
		const key = (await call("POST", "/v1/api-keys", { kind: "write", name: "site" })).body.key;
		const origin = "https://www.acme.com";
		// calls that fail count too: the limit comes before the key is looked at
		for (let i = 0; i < BROWSER_CALLS_PER_MINUTE - 1; i++)
			await h.app.request("/v1/batch", { method: "POST", headers: { origin }, body: "{}" });
		expect((await send(key, origin)).status).toBe(200);
		const over = await send(key, origin);
		expect(over.status).toBe(429);
		expect(over.headers.get("retry-after")).toBe("60");
		expect((await send(key)).status).toBe(200); // a server's call
		clock.set(new Date(clock.now().getTime() + 61_000));
		expect((await send(key, origin)).status).toBe(200);
	});
});
