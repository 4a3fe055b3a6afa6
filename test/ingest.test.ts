import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ingestBatch } from "../src/app/ingest-batch.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { received } from "./support/clock.js";

const t0 = "2026-11-01T10:00:00.000Z";

describe.each(backends())("ingest on $name", (backend) => {
	let database: Database;
	beforeEach(async () => {
		database = await backend.open();
	});
	afterEach(async () => {
		await database.close();
	});

	it("stores a batch once however often it is sent", async () => {
		const batch = [
			{
				type: "identify",
				messageId: "m1",
				anonymousId: "a1",
				traits: { email: " Ada@Example.COM ", title: "CTO" },
				timestamp: t0,
			},
			{
				type: "page",
				messageId: "m2",
				anonymousId: "a1",
				properties: { url: "https://x.io/pricing?a=1" },
				timestamp: t0,
			},
			{ type: "track", messageId: "m3", anonymousId: "a1", event: "Demo Requested", timestamp: t0 },
		];
		const first = await ingestBatch(database.db, batch, received);
		expect(first).toMatchObject({ accepted: 3, duplicates: 0, rejected: 0 });
		const again = await ingestBatch(database.db, batch, received);
		expect(again).toMatchObject({ accepted: 0, duplicates: 3 });
		const events = await database.db.selectFrom("events").select(["message_id", "page_path", "lead_id"]).execute();
		expect(events).toHaveLength(3);
		expect(events.find((e) => e.message_id === "m2")?.page_path).toBe("/pricing");
		const leads = await database.db.selectFrom("leads").selectAll().execute();
		expect(leads).toHaveLength(1);
		expect(leads[0]?.email).toBe("ada@example.com");
		expect(leads[0]?.traits).toEqual({ title: "CTO" });
	});

	it("reports a bad event by index and field and keeps the good ones", async () => {
		const result = await ingestBatch(
			database.db,
			[
				{ type: "track", messageId: "ok", userId: "u1", event: "Signed Up" },
				{ type: "track", messageId: "bad", userId: "u1" },
				{ type: "identify", messageId: "bad2", userId: "u1", traits: { email: "not-an-email" } },
			],
			received,
		);
		expect(result.accepted).toBe(2);
		expect(result.errors).toEqual([expect.objectContaining({ index: 1, field: "event" })]);
		// an email that is not an address costs nothing but itself: a warning, and a raw trait
		expect(result.warnings).toEqual([expect.objectContaining({ index: 2, field: "traits.email" })]);
	});

	it("attaches anonymous events to the lead once identified, and merges two known leads", async () => {
		await ingestBatch(
			database.db,
			[
				{ type: "page", messageId: "p1", anonymousId: "anon-1", timestamp: t0 },
				{ type: "identify", messageId: "i1", userId: "user-9", traits: { firstName: "Ada" }, timestamp: t0 },
			],
			received,
		);
		expect(await database.db.selectFrom("leads").select("id").where("merged_into", "is", null).execute()).toHaveLength(
			2,
		);
		await ingestBatch(
			database.db,
			[{ type: "identify", messageId: "i2", anonymousId: "anon-1", userId: "user-9", traits: { email: "ada@x.io" } }],
			received,
		);
		const live = await database.db.selectFrom("leads").selectAll().where("merged_into", "is", null).execute();
		expect(live).toHaveLength(1);
		expect(live[0]).toMatchObject({ user_id: "user-9", email: "ada@x.io" });
		const events = await database.db.selectFrom("events").select("lead_id").execute();
		expect(new Set(events.map((e) => e.lead_id))).toEqual(new Set([live[0]?.id]));
	});
});
