import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { claimJobs, completeJob, enqueueJob, failJob } from "../src/jobs/queue.js";
import type { Database } from "../src/storage/database.js";
import { migrate } from "../src/storage/migrate.js";
import { backends } from "./support/backends.js";
import { received } from "./support/clock.js";

const count = async (database: Database, table: "events" | "leads") =>
	Number(
		(
			await database.db
				.selectFrom(table)
				.select((eb) => eb.fn.countAll<number>().as("n"))
				.executeTakeFirst()
		)?.n,
	);

describe.each(backends())("storage contract on $name", (backend) => {
	let database: Database;
	beforeEach(async () => {
		database = await backend.open();
	});
	afterEach(async () => database.close());

	it("records migrations and refuses a database newer than the code", async () => {
		expect(await migrate(database.db)).toEqual([]);
		await expect(migrate(database.db, [])).rejects.toThrow(/newer than this Qualify knows/);
	});

	it("partitions events by month", async () => {
		await ingestBatch(
			database.db,
			[
				{ type: "track", messageId: "jan", userId: "u", event: "A", timestamp: "2025-01-15T00:00:00Z" },
				{ type: "track", messageId: "mar", userId: "u", event: "A", timestamp: "2025-03-15T00:00:00Z" },
			],
			received,
		);
		const parts = await database.db
			.selectFrom("pg_inherits" as never)
			.select((eb) => eb.fn<string>("to_regclass", [eb.val("events_p202501")]).as("jan"))
			.executeTakeFirst();
		expect(parts).toBeDefined();
		const rows = await database.db
			.selectFrom("events")
			.select("message_id")
			.where("timestamp", "<", new Date("2025-02-01"))
			.execute();
		expect(rows.map((r) => r.message_id)).toEqual(["jan"]);
	});

	it("stores one batch sent by two clients at the same moment once", async () => {
		const batch = Array.from({ length: 50 }, (_, i) => ({
			type: "track",
			messageId: `race-${i}`,
			anonymousId: `anon-${i % 7}`,
			event: "Page Viewed",
		}));
		const results = await Promise.all([
			ingestBatch(database.db, batch, received),
			ingestBatch(database.db, batch, received),
			ingestBatch(database.db, batch, received),
		]);
		expect(results.reduce((sum, r) => sum + r.accepted, 0)).toBe(50);
		expect(await count(database, "events")).toBe(50);
		const live = await database.db.selectFrom("leads").select("id").where("merged_into", "is", null).execute();
		expect(live).toHaveLength(7);
	});

	it("keeps two known people apart when they share a browser", async () => {
		await ingestBatch(
			database.db,
			[
				{ type: "identify", messageId: "s1", anonymousId: "shared", traits: { email: "one@x.io" } },
				{ type: "identify", messageId: "s2", anonymousId: "shared", traits: { email: "two@x.io" } },
				{ type: "page", messageId: "s3", anonymousId: "shared" },
			],
			received,
		);
		const live = await database.db
			.selectFrom("leads")
			.select(["id", "email"])
			.where("merged_into", "is", null)
			.execute();
		expect(live.map((l) => l.email).sort()).toEqual(["one@x.io", "two@x.io"]);
		const page = await database.db
			.selectFrom("events")
			.select("lead_id")
			.where("message_id", "=", "s3")
			.executeTakeFirst();
		expect(live.find((l) => l.email === "two@x.io")?.id).toBe(page?.lead_id);
	});

	it("merges on alias and keeps the stricter consent", async () => {
		await ingestBatch(
			database.db,
			[
				{ type: "identify", messageId: "c1", userId: "old-id", traits: { email: "a@x.io", title: "CTO" } },
				{ type: "track", messageId: "c2", userId: "old-id", event: "Unsubscribed" },
				{ type: "identify", messageId: "c3", userId: "new-id", traits: { firstName: "Ada" } },
			],
			received,
		);
		await ingestBatch(
			database.db,
			[{ type: "alias", messageId: "c4", previousId: "old-id", userId: "new-id" }],
			received,
		);
		const live = await database.db.selectFrom("leads").selectAll().where("merged_into", "is", null).execute();
		expect(live).toHaveLength(1);
		expect(live[0]).toMatchObject({ consent_status: "unsubscribed", user_id: "new-id", email: "a@x.io" });
		expect(live[0]?.traits).toEqual({ title: "CTO", firstName: "Ada" });
		expect(await count(database, "events")).toBe(4);
	});

	it("claims each job once across concurrent workers and retries failures later", async () => {
		for (let i = 0; i < 10; i++) await enqueueJob(database.db, "test.job", { i });
		const claims = await Promise.all([
			claimJobs(database.db, ["test.job"], 6),
			claimJobs(database.db, ["test.job"], 6),
		]);
		const ids = claims.flat().map((j) => j.id);
		expect(new Set(ids).size).toBe(10);
		expect(ids).toHaveLength(10);
		const [first, second] = claims.flat();
		if (!first || !second) throw new Error("no jobs");
		await completeJob(database.db, first.id);
		await failJob(database.db, second, new Error("receiver said 500"));
		const row = await database.db.selectFrom("jobs").selectAll().where("id", "=", second.id).executeTakeFirstOrThrow();
		expect(row.last_error).toBe("receiver said 500");
		expect(row.run_at.getTime()).toBeGreaterThan(Date.now());
		expect(await claimJobs(database.db, ["test.job"], 20)).toEqual([]);
	});
});
