import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../src/app/api-keys.js";
import { createApp } from "../src/http/app.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { testClock } from "./support/clock.js";

// Cases per single-call path, twice as many for /v1/batch; QUALIFY_FUZZ_RUNS raises it for a longer hunt.
const RUNS = Number(process.env.QUALIFY_FUZZ_RUNS ?? 1000);

const nasty = fc.constantFrom(
	"\u0000",
	"a\u0000b",
	"\ud800",
	"x\udfffy",
	"constructor",
	"__proto__",
	"toString",
	"hasOwnProperty",
	"valueOf",
	"",
	" ",
	"Demo Requested",
	"Email Unsubscribed",
	"unsubscribed",
	"\u202e",
	"💥",
	"'; drop table events; --",
);
const text = fc.oneof(nasty, fc.string({ maxLength: 12 }), fc.string({ unit: "binary", maxLength: 12 }));
const key = fc.oneof(nasty, fc.string({ maxLength: 8 }));
const number = fc.oneof(
	fc.double(),
	fc.integer(),
	fc.constantFrom(0, -0, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, 5e-324),
);
const time = fc.oneof(
	fc
		.date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2030-01-01T00:00:00Z"), noInvalidDate: true })
		.map((d) => d.toISOString()),
	fc.constantFrom(
		"0000-01-01T00:00:00Z",
		"0050-06-01T00:00:00Z",
		"0099-12-31T23:59:59Z",
		"1901-01-01T00:00:00Z",
		"9999-12-31T23:59:59Z",
		"2026-02-30T00:00:00Z",
		"2026-11-01T10:00:00",
		"2026-11-01T10:00:00+14:00",
		"yesterday",
		"",
	),
	fc.integer(),
);
/** Nesting from shallow to far past the limit, as the JSON text a client would send. */
const nested = fc.integer({ min: 1, max: 70 }).map((depth) => {
	let value: unknown = "leaf";
	for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { d: value };
	return value;
});
const leaf = fc.oneof(text, number, fc.boolean(), fc.constant(null));
const json = fc.letrec((tie) => ({
	value: fc.oneof(
		{ depthSize: "small", withCrossShrink: true },
		{ weight: 8, arbitrary: leaf },
		{ weight: 2, arbitrary: tie("array") },
		{ weight: 3, arbitrary: tie("object") },
		{ weight: 1, arbitrary: nested },
	),
	array: fc.array(tie("value"), { maxLength: 3 }),
	object: fc.array(fc.tuple(key, tie("value")), { maxLength: 4 }).map((entries) => Object.fromEntries(entries)),
})).value;
const objectOf = (values: fc.Arbitrary<unknown>) =>
	fc.array(fc.tuple(key, values), { maxLength: 5 }).map((entries) => Object.fromEntries(entries));
const email = fc.oneof(
	fc.constantFrom("ada@acme.io", "Ada <ada@acme.io>", "mailto:ada@acme.io", "jane@gmail", "@", "a@b.c", ""),
	text,
);
/** Mostly what a client should send, sometimes anything at all. */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>) =>
	fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: bad });
const id = mostly(
	fc.oneof(fc.constantFrom("u1", "u2", "a1", "a2", "__proto__", "constructor"), fc.integer({ min: 0 })),
	fc.oneof(text, json),
);
const goodTime = fc
	.date({ min: new Date("2001-01-01T00:00:00Z"), max: new Date("2026-11-19T00:00:00Z"), noInvalidDate: true })
	.map((d) => d.toISOString());

/** A message that is Segment-shaped more often than not, with anything in any field. */
const message = (messageId: fc.Arbitrary<string>) =>
	fc.oneof(
		{
			weight: 8,
			arbitrary: fc.record(
				{
					type: mostly(fc.constantFrom("track", "identify", "page", "screen", "group", "alias"), text),
					messageId: mostly(messageId, fc.constant(null)),
					userId: id,
					anonymousId: id,
					previousId: id,
					groupId: id,
					event: mostly(fc.oneof(nasty, fc.string({ minLength: 1, maxLength: 20 })), json),
					name: mostly(text, json),
					timestamp: mostly(goodTime, time),
					sentAt: mostly(goodTime, time),
					properties: mostly(objectOf(json), json),
					traits: mostly(
						fc.record({ email }, { requiredKeys: [] }).chain((t) => objectOf(json).map((o) => ({ ...o, ...t }))),
						json,
					),
					context: mostly(objectOf(json), json),
					integrations: mostly(objectOf(fc.boolean()), json),
				},
				{ requiredKeys: ["type", "messageId", "userId"] },
			),
		},
		{ weight: 1, arbitrary: json },
	);

const SINGLE_PATHS = ["track", "identify", "page", "screen", "group", "alias", "t", "i", "p", "s", "g", "a"];

// Thousands of requests a test: a busy machine needs minutes, not the default minute.
describe.each(backends())("ingest under arbitrary input on $name", { timeout: 600_000 }, (backend) => {
	let database: Database;
	let app: ReturnType<typeof createApp>;
	let auth: string;
	let run = 0;
	beforeAll(async () => {
		database = await backend.open();
		app = createApp({ db: database.db, clock: testClock() });
		auth = `Basic ${Buffer.from(`${(await createApiKey(database.db, "write", "fuzz")).key}:`).toString("base64")}`;
	});
	afterAll(async () => database.close());

	/** Sends one body; checks that every message is accounted for and every good one stored once. */
	async function check(path: string, messages: unknown[], body: unknown) {
		const response = await app.request(path, {
			method: "POST",
			headers: { authorization: auth, "content-type": "application/json" },
			body: JSON.stringify(body),
		});
		expect(response.status, await response.clone().text()).toBeLessThan(500);
		if (response.status !== 200 && response.status !== 400) return;
		const result = await response.json();
		if (!("accepted" in result)) return; // the body as a whole was refused (not a batch), nothing stored
		expect(result.accepted + result.duplicates + result.rejected).toBe(messages.length);
		const refused = new Set<number>(result.errors.map((e: { index: number }) => e.index));
		for (const index of refused) expect(index >= 0 && index < messages.length).toBe(true);
		expect(refused.size).toBe(result.rejected);
		const given = (m: unknown) =>
			typeof m === "object" && m !== null && typeof (m as { messageId?: unknown }).messageId === "string"
				? ((m as { messageId: string }).messageId as string)
				: null;
		const good = new Set(messages.flatMap((m, i) => (refused.has(i) ? [] : (given(m) ?? []))));
		if (good.size === 0) return;
		const rows = await database.db
			.selectFrom("events")
			.select(["message_id"])
			.where("message_id", "in", [...good])
			.execute();
		expect(rows.map((r) => r.message_id).sort()).toEqual([...good].sort());
	}

	it("never answers 5xx on /v1/batch, and stores each valid event once", async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(message(fc.constantFrom("m1", "m2", "m3", "m4")), { minLength: 1, maxLength: 6 }),
				fc.oneof(fc.constant(undefined), objectOf(json)),
				async (raw, context) => {
					const prefix = `b${++run}-`;
					const messages = raw.map((m) =>
						typeof m === "object" && m !== null && typeof (m as { messageId?: unknown }).messageId === "string"
							? { ...m, messageId: prefix + (m as { messageId: string }).messageId }
							: m,
					);
					await check("/v1/batch", messages, { batch: messages, ...(context ? { context } : {}) });
				},
			),
			{ numRuns: RUNS * 2 },
		);
	});

	it.each(SINGLE_PATHS)("never answers 5xx on /v1/%s", async (path) => {
		await fc.assert(
			fc.asyncProperty(message(fc.constant("m")), async (raw) => {
				const single =
					typeof raw === "object" && raw !== null && !Array.isArray(raw)
						? { ...raw, messageId: `${path}${++run}` }
						: raw;
				const body = single;
				await check(`/v1/${path}`, [single], body);
			}),
			{ numRuns: RUNS },
		);
	});
});
