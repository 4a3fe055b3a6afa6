import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemo } from "../src/app/load-demo.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { TEST_NOW } from "./support/clock.js";

const pglite = backends()[0];

// The demo loads each lead's whole history in batches of 100, so most leads arrive in one or
// two batches: the case where an MQL used to be dated by the batch's newest event.
describe("the demo's history, replayed through ingest", () => {
	let database: Database;
	beforeAll(async () => {
		if (!pglite) throw new Error("PGlite backend missing");
		database = await pglite.open();
		const demo = await loadDemo(database.db, { leads: 400, seed: 2, now: TEST_NOW });
		expect(demo.sales?.accepted).toBeGreaterThan(0);
	}, 180_000);
	afterAll(async () => database?.close());

	it("dates each hand-raiser's MQL no later than its first demo request", async () => {
		const rows = await sql<{ lead_id: string; mql_at: Date; asked_at: Date }>`
			select c.lead_id, c.at as mql_at,
				(select min(e.timestamp) from events e where e.lead_id = c.lead_id and e.event = 'Demo Requested') as asked_at
			from stage_changes c where c.to_stage = 'mql' and c.actor = 'automation'`.execute(database.db);
		const handRaisers = rows.rows.filter((r) => r.asked_at !== null);
		expect(handRaisers.length).toBeGreaterThan(20);
		const late = handRaisers.filter((r) => new Date(r.mql_at).getTime() > new Date(r.asked_at).getTime());
		expect(late).toEqual([]);
	});

	it("keeps every lead's stage history in causal order, no MQL after a later stage", async () => {
		const changes = await sql<{ lead_id: string; to_stage: string; at: Date }>`
			select lead_id, to_stage, at from stage_changes order by lead_id, id`.execute(database.db);
		const outOfOrder: string[] = [];
		let previous = null as { lead_id: string; at: number } | null;
		for (const change of changes.rows) {
			const at = new Date(change.at).getTime();
			if (previous?.lead_id === change.lead_id && at < previous.at)
				outOfOrder.push(`${change.lead_id} → ${change.to_stage}`);
			previous = { lead_id: change.lead_id, at };
		}
		expect(outOfOrder).toEqual([]);
		const seenBefore = await sql<{
			n: number;
		}>`select count(*)::int as n from stage_changes c join leads l on l.id = c.lead_id
			where c.to_stage = 'mql' and c.at < l.first_seen_at`.execute(database.db);
		expect(seenBefore.rows[0]?.n).toBe(0);
	});

	it("leaves the newest MQLs in the queue, and only those", async () => {
		const open = await sql<{ mql_at: Date }>`select (select max(c.at) from stage_changes c
				where c.lead_id = h.lead_id and c.to_stage = 'mql') as mql_at
			from handoffs h where h.status = 'open'`.execute(database.db);
		const closed = await sql<{ newest: Date }>`select max(c.at) as newest from handoffs h
			join stage_changes c on c.lead_id = h.lead_id and c.to_stage = 'mql' where h.status <> 'open'`.execute(
			database.db,
		);
		expect(open.rows.length).toBeGreaterThan(0);
		const fortnight = TEST_NOW.getTime() - 14 * 86_400_000;
		for (const row of open.rows) expect(new Date(row.mql_at).getTime()).toBeGreaterThanOrEqual(fortnight);
		const newestOpen = Math.max(...open.rows.map((r) => new Date(r.mql_at).getTime()));
		expect(newestOpen).toBeGreaterThanOrEqual(new Date(closed.rows[0]?.newest ?? 0).getTime());
		expect(newestOpen).toBeLessThanOrEqual(TEST_NOW.getTime());
	});
});
