import { deflateSync, gzipSync } from "node:zlib";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../src/app/api-keys.js";
import { createApp } from "../src/http/app.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { TEST_NOW, testClock } from "./support/clock.js";

let counter = 0;
const uid = (prefix: string) => `${prefix}-${++counter}`;

describe.each(backends())("the tracking API as Segment's clients use it, on $name", (backend) => {
	let database: Database;
	let app: ReturnType<typeof createApp>;
	let writeKey: string;
	const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString("base64")}`;
	const send = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
		app.request(path, { method: "POST", headers, body });
	const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
		send(path, JSON.stringify(body), {
			authorization: basic(writeKey),
			"content-type": "application/json",
			...headers,
		});
	const eventsOf = (messageIds: string[]) =>
		database.db
			.selectFrom("events")
			.select(["message_id", "lead_id", "event", "properties"])
			.where("message_id", "in", messageIds)
			.execute();
	const leadOfUser = (userId: string) =>
		database.db
			.selectFrom("leads")
			.selectAll()
			.where("user_id", "=", userId)
			.where("merged_into", "is", null)
			.executeTakeFirst();

	beforeAll(async () => {
		database = await backend.open();
		app = createApp({ db: database.db, clock: testClock() });
		writeKey = (await createApiKey(database.db, "write", "site")).key;
	});
	afterAll(async () => database.close());

	it("takes the browser library's short paths beside the long ones", async () => {
		const user = uid("short");
		const calls: [string, Record<string, unknown>][] = [
			["/v1/i", { userId: user, traits: { email: `${user}@acme.io` } }],
			["/v1/p", { userId: user, properties: { path: "/pricing" } }],
			["/v1/t", { userId: user, event: "Signed Up" }],
			["/v1/s", { userId: user, name: "Home" }],
			["/v1/g", { userId: user, groupId: "acme" }],
			["/v1/a", { userId: user, previousId: uid("anon") }],
		];
		for (const [path, body] of calls) {
			const response = await post(path, { ...body, messageId: `${user}${path}` });
			expect(response.status, path).toBe(200);
		}
		const batch = [{ type: "track", userId: user, event: "Batched", messageId: `${user}-b` }];
		expect((await post("/v1/b", { batch })).status).toBe(200);
		expect((await post("/v1/import", { batch: [{ ...batch[0], messageId: `${user}-import` }] })).status).toBe(200);
		const stored = await eventsOf([...calls.map(([path]) => `${user}${path}`), `${user}-b`, `${user}-import`]);
		expect(stored).toHaveLength(8);
	});

	it("authenticates with the write key in the body, top level or per message, and refuses a wrong one", async () => {
		const user = uid("beacon");
		const noHeader = (body: unknown) => send("/v1/t", JSON.stringify(body), { "content-type": "text/plain" });
		expect((await noHeader({ writeKey, userId: user, event: "Beacon", messageId: `${user}-1` })).status).toBe(200);
		const perMessage = {
			batch: [{ writeKey, type: "track", userId: user, event: "Per message", messageId: `${user}-2` }],
		};
		expect((await send("/v1/b", JSON.stringify(perMessage))).status).toBe(200);
		const wrong = await noHeader({ writeKey: "qk_w_wrong", userId: user, event: "Nope", messageId: `${user}-3` });
		expect(wrong.status).toBe(401);
		const none = await noHeader({ userId: user, event: "Nope", messageId: `${user}-4` });
		expect(none.status).toBe(401);
		// a right header does not excuse a wrong key in the body
		expect(
			(await post("/v1/t", { writeKey: "qk_w_wrong", userId: user, event: "Nope", messageId: `${user}-5` })).status,
		).toBe(401);
		expect((await eventsOf([1, 2, 3, 4, 5].map((n) => `${user}-${n}`))).map((e) => e.message_id).sort()).toEqual([
			`${user}-1`,
			`${user}-2`,
		]);
	});

	it("reads gzip and deflate bodies whatever their content type, and refuses a zip bomb after reading the limit", async () => {
		const user = uid("gzip");
		const batch = (n: number) => ({
			batch: [{ type: "track", userId: user, event: "Zipped", messageId: `${user}-${n}` }],
		});
		const auth = { authorization: basic(writeKey) };
		const gzipped = await send("/v1/batch", gzipSync(JSON.stringify(batch(1))), {
			...auth,
			"content-encoding": "gzip",
			"content-type": "application/x-www-form-urlencoded",
		});
		expect(gzipped.status).toBe(200);
		const deflated = await send("/v1/batch", deflateSync(JSON.stringify(batch(2))), {
			...auth,
			"content-encoding": "deflate",
		});
		expect(deflated.status).toBe(200);
		expect(await eventsOf([`${user}-1`, `${user}-2`])).toHaveLength(2);

		const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20)); // 50 MB of spaces, about 50 KB compressed
		expect(bomb.length).toBeLessThan(500 * 1024);
		const refused = await send("/v1/batch", bomb, { ...auth, "content-encoding": "gzip" });
		expect(refused.status).toBe(413);
		const broken = await send("/v1/batch", Buffer.from("not gzip at all"), { ...auth, "content-encoding": "gzip" });
		expect(broken.status).toBe(400);
		expect((await send("/v1/batch", "{}", { ...auth, "content-encoding": "compress" })).status).toBe(415);
	});

	it("takes null on an optional field as absent", async () => {
		const user = uid("nulls");
		const response = await post("/v1/batch", {
			batch: [
				{
					type: "page",
					userId: user,
					anonymousId: null,
					properties: null,
					context: null,
					timestamp: null,
					messageId: `${user}-1`,
				},
				{
					type: "track",
					userId: null,
					anonymousId: uid("anon"),
					event: "Anonymous",
					integrations: null,
					messageId: `${user}-2`,
				},
			],
			context: null,
			sentAt: null,
		});
		expect(await response.json()).toMatchObject({ accepted: 2, errors: [], warnings: [] });
	});

	it("answers the preflight for the headers the libraries send, with a max age", async () => {
		const preflight = await app.request("/v1/t", {
			method: "OPTIONS",
			headers: {
				origin: "https://www.customer.io",
				"access-control-request-method": "POST",
				"access-control-request-headers": "authorization,content-type,x-retry-count,content-encoding",
			},
		});
		expect(preflight.status).toBe(204);
		const allowed = (preflight.headers.get("access-control-allow-headers") ?? "").toLowerCase();
		for (const header of ["authorization", "content-type", "x-retry-count", "content-encoding"])
			expect(allowed).toContain(header);
		expect(Number(preflight.headers.get("access-control-max-age"))).toBeGreaterThan(0);
		expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
	});

	it("stores every good event of a hostile batch and refuses only the bad ones, never with a 5xx", async () => {
		const user = uid("hostile");
		const deep = `${'{"deep":'.repeat(5000)}{"leaf":true}${"}".repeat(5000)}`; // JSON.stringify would overflow
		const batch: Record<string, unknown>[] = [
			{
				type: "track",
				userId: user,
				event: "Nul\u0000in name",
				properties: { "k\u0000": "v\u0000" },
				messageId: `${user}-0`,
			},
			{
				type: "track",
				userId: user,
				event: "constructor",
				properties: { PROTO_PROPERTY: 1, toString: 1 },
				messageId: `${user}-1`,
			},
			{
				type: "track",
				userId: user,
				event: "__proto__",
				properties: { lone: "\ud800", low: "a\udc00b" },
				messageId: `${user}-2`,
			},
			{ type: "track", userId: user, event: "toString", properties: { deep: "DEEP" }, messageId: `${user}-3` },
			{ type: "track", userId: user, event: "Ancient", timestamp: "0050-06-01T00:00:00Z", messageId: `${user}-4` },
			{
				type: "identify",
				userId: user,
				traits: { constructor: "c", PROTO_TRAIT: 1, hasOwnProperty: 1 },
				messageId: `${user}-5`,
			},
		];
		const response = await send(
			"/v1/batch",
			JSON.stringify({ batch })
				.replace('"PROTO_PROPERTY":1', '"__proto__":{"x":1}')
				.replace('"PROTO_TRAIT":1', '"__proto__":"p"')
				.replace('"DEEP"', deep),
			{
				authorization: basic(writeKey),
				"content-type": "application/json",
			},
		);
		expect(response.status).toBe(400);
		const result = await response.json();
		expect(result.errors.map((e: { index: number }) => e.index)).toEqual([3, 4]);
		expect(result.errors[0].message).toContain("nested deeper");
		expect(result.errors[1].field).toBe("timestamp");
		expect(result.warnings.map((w: { index: number }) => w.index)).toEqual(expect.arrayContaining([0, 2]));
		expect(result).toMatchObject({ accepted: 4, rejected: 2 });
		const stored = await eventsOf(batch.map((m) => String(m.messageId)));
		expect(stored.map((e) => e.message_id).sort()).toEqual([0, 1, 2, 5].map((n) => `${user}-${n}`));
		expect(stored.find((e) => e.message_id === `${user}-0`)?.event).toBe("Nul\ufffdin name");
		expect(stored.find((e) => e.message_id === `${user}-2`)?.properties).toEqual({ lone: "\ufffd", low: "a\ufffdb" });
		const lead = await leadOfUser(user);
		expect(lead?.consent_status).toBe("subscribed");
		expect(Object.hasOwn(lead?.traits ?? {}, "constructor")).toBe(true);
		expect(Object.hasOwn(lead?.traits ?? {}, "__proto__")).toBe(true);
		const proto = stored.find((e) => e.message_id === `${user}-1`)?.properties ?? {};
		expect(Object.getOwnPropertyDescriptor(proto, "__proto__")?.value).toEqual({ x: 1 });
		const partitions = await sql<{
			n: number;
		}>`select count(*)::int as n from pg_class where relname like 'events_p00%'`.execute(database.db);
		expect(partitions.rows[0]?.n).toBe(0);
	});

	it("bounds the partitions a client can make: one per past year, none before the horizon", async () => {
		const user = uid("months");
		const before = await partitionCount();
		const batch = Array.from({ length: 240 }, (_, i) => ({
			type: "track",
			userId: user,
			event: "Old",
			timestamp: new Date(Date.UTC(2004, i, 15)).toISOString(),
			messageId: `${user}-${i}`,
		}));
		const result = await (await post("/v1/batch", { batch })).json();
		expect(result.accepted).toBe(240);
		const made = (await partitionCount()) - before;
		expect(made).toBeLessThanOrEqual(20); // 2004–2023, a year each, against 240 months
		const tooOld = await (
			await post("/v1/t", { userId: user, event: "Too old", timestamp: "1999-12-31T00:00:00Z" })
		).json();
		expect(tooOld.errors[0]).toMatchObject({ index: 0, field: "timestamp" });
	});

	async function partitionCount() {
		const rows = await sql<{
			n: number;
		}>`select count(*)::int as n from pg_inherits where inhparent = 'events'::regclass`.execute(database.db);
		return rows.rows[0]?.n ?? 0;
	}

	it("keeps an identify whose email is not an address: its other traits, its links, and the value as given", async () => {
		const user = uid("bad-email");
		const anon = uid("anon");
		await post("/v1/p", { anonymousId: anon, properties: { path: "/pricing" }, messageId: `${user}-page` });
		const response = await post("/v1/i", {
			userId: user,
			anonymousId: anon,
			traits: { email: "jane@gmail", title: "CTO" },
			messageId: `${user}-identify`,
		});
		expect(response.status).toBe(200);
		const result = await response.json();
		expect(result.warnings).toEqual([expect.objectContaining({ index: 0, field: "traits.email" })]);
		const lead = await leadOfUser(user);
		expect(lead?.email).toBe(null);
		expect(lead?.traits).toMatchObject({ title: "CTO", emailAsGiven: "jane@gmail" });
		const events = await eventsOf([`${user}-page`, `${user}-identify`]);
		expect(new Set(events.map((e) => e.lead_id))).toEqual(new Set([lead?.id]));
		const named = await post("/v1/i", { userId: uid("named"), traits: { email: "Jane Doe <Jane@Acme.io>" } });
		expect((await named.json()).warnings).toEqual([]);
	});

	it("remembers an alias to an id not seen yet: later events under it join the aliased lead", async () => {
		const user = uid("alias");
		const previous = uid("old-anon");
		expect((await post("/v1/a", { userId: user, previousId: previous, messageId: `${user}-alias` })).status).toBe(200);
		await post("/v1/p", { anonymousId: previous, properties: { path: "/docs" }, messageId: `${user}-later` });
		await post("/v1/t", { userId: previous, event: "Old user id", messageId: `${user}-later-user` });
		const events = await eventsOf([`${user}-alias`, `${user}-later`, `${user}-later-user`]);
		expect(events).toHaveLength(3);
		expect(new Set(events.map((e) => e.lead_id)).size).toBe(1);
	});

	it("stores a batch event by event when the batch as a whole cannot be stored", async () => {
		// A check the database makes and validation does not: the batch's transaction fails on it.
		await sql`create function refuse_poison() returns trigger language plpgsql as $$
			begin if new.event = 'Poison' then raise exception 'poisoned' using errcode = '22023'; end if; return new; end $$`.execute(
			database.db,
		);
		await sql`create trigger refuse_poison before insert on events for each row execute function refuse_poison()`.execute(
			database.db,
		);
		try {
			const user = uid("poison");
			const batch = [0, 1, 2, 3, 4].map((n) => ({
				type: "track",
				userId: user,
				event: n === 2 ? "Poison" : "Fine",
				messageId: `${user}-${n}`,
			}));
			const response = await post("/v1/batch", { batch });
			expect(response.status).toBe(400);
			const result = await response.json();
			expect(result).toMatchObject({ accepted: 4, rejected: 1, duplicates: 0 });
			expect(result.errors).toEqual([expect.objectContaining({ index: 2 })]);
			expect(await eventsOf(batch.map((m) => m.messageId))).toHaveLength(4);
			// and the client's retry stores nothing twice
			expect(await (await post("/v1/batch", { batch })).json()).toMatchObject({
				accepted: 0,
				duplicates: 4,
				rejected: 1,
			});
		} finally {
			await sql`drop trigger refuse_poison on events`.execute(database.db);
		}
	});

	it("dates an MQL by the event that qualified the lead, also when one batch holds the whole history", async () => {
		const user = uid("history");
		const day = (n: number) => new Date(TEST_NOW.getTime() - (40 - n) * 86_400_000).toISOString();
		const history = [
			{
				type: "identify",
				userId: user,
				traits: { email: `${user}@northwind.com`, title: "VP Sales" },
				timestamp: day(0),
			},
			...[1, 5, 9].map((n) => ({ type: "page", userId: user, properties: { path: "/blog/post" }, timestamp: day(n) })),
			{ type: "track", userId: user, event: "Demo Requested", timestamp: day(12) },
			...[20, 30, 39].map((n) => ({ type: "page", userId: user, properties: { path: "/pricing" }, timestamp: day(n) })),
		].map((m, i) => ({ ...m, messageId: `${user}-${i}` }));
		const shuffled = [...history].reverse();
		expect((await post("/v1/batch", { batch: shuffled })).status).toBe(200);
		const lead = await leadOfUser(user);
		expect(lead?.stage).toBe("mql");
		expect(new Date(lead?.stage_changed_at ?? 0).toISOString()).toBe(day(12));
		const change = await database.db
			.selectFrom("stage_changes")
			.selectAll()
			.where("lead_id", "=", lead?.id ?? "")
			.executeTakeFirst();
		expect(change?.message_id).toBe(`${user}-4`);
	});
});
