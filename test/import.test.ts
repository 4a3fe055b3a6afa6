import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../src/app/api-keys.js";
import { runImport } from "../src/app/import/run-import.js";
import { createApp } from "../src/http/app.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { TEST_NOW, testClock } from "./support/clock.js";
import { keyCaller } from "./support/sessions.js";

// A copy of ../shared/datasets/olist-funnel (CC BY-NC-SA 4.0, see its README).
const OLIST = "test/fixtures/olist-funnel";
const LEADS = `${OLIST}/olist_marketing_qualified_leads_dataset.csv`;
const DEALS = `${OLIST}/olist_closed_deals_dataset.csv`;
/** Counted by hand from the two CSVs (origin blank → "(direct)"): leads and won deals by origin. */
const BY_ORIGIN: Record<string, [number, number]> = {
	organic_search: [2296, 271],
	paid_search: [1586, 195],
	social: [1350, 75],
	unknown: [1099, 179],
	direct_traffic: [499, 56],
	email: [493, 15],
	referral: [284, 24],
	other: [150, 4],
};

describe.each(backends())("importing the real Olist funnel on $name", (backend) => {
	let database: Database;
	let app: ReturnType<typeof createApp>;
	let key: string;
	const call = keyCaller(() => ({ app, key }));
	const options = { now: TEST_NOW, actorId: "test (import)" };

	beforeAll(async () => {
		database = await backend.open();
		app = createApp({ db: database.db, clock: testClock() });
		key = (await createApiKey(database.db, "secret", "admin")).key;
	}, 120_000);
	afterAll(async () => database.close());

	it("imports 8,000 MQLs as history: on their day, through the ingest path, handing nobody to sales today", async () => {
		const progress: number[] = [];
		const summary = await runImport(database.db, createReadStream(LEADS), "leads", {
			...options,
			stage: "mql",
			onProgress: (rows) => progress.push(rows),
		});
		expect(summary).toMatchObject({ rows: 8000, imported: 8000, unchanged: 0, rejected: 0, staged: 8000 });
		expect(progress.at(-1)).toBe(8000);
		const leads = await database.db.selectFrom("leads").select(["stage", "first_seen_at", "source"]).execute();
		expect(leads).toHaveLength(8000);
		expect(leads.every((l) => l.stage === "mql")).toBe(true);
		expect(leads.filter((l) => l.source === null)).toHaveLength(60); // the blank origins
		const firstSeen = leads.map((l) => new Date(l.first_seen_at).toISOString().slice(0, 10)).sort();
		expect([firstSeen[0], firstSeen.at(-1)]).toEqual(["2017-06-14", "2018-05-31"]);
		// history: no handoff made, no webhook message written
		expect(await database.db.selectFrom("handoffs").select("id").execute()).toEqual([]);
		expect(await database.db.selectFrom("webhook_messages").select("id").execute()).toEqual([]);
		const mqlMoves = await database.db
			.selectFrom("stage_changes")
			.select(["at"])
			.where("to_stage", "=", "mql")
			.execute();
		expect(mqlMoves).toHaveLength(8000);
	}, 180_000);

	it("imports the same file again without changing anything", async () => {
		const again = await runImport(database.db, createReadStream(LEADS), "leads", { ...options, stage: "mql" });
		expect(again).toMatchObject({ rows: 8000, imported: 0, unchanged: 8000, staged: 0 });
		expect(await database.db.selectFrom("leads").select("id").execute()).toHaveLength(8000);
	}, 180_000);

	it("imports 842 won deals through the lifecycle, naming the one won before its first contact", async () => {
		const summary = await runImport(database.db, createReadStream(DEALS), "outcomes", { ...options, outcome: "won" });
		expect(summary).toMatchObject({ rows: 842, imported: 842, rejected: 0 });
		expect(summary.warnings).toEqual(["line 669: won on 2018-03-06, before the lead was first seen (2018-03-08)"]);
		const customers = await database.db.selectFrom("leads").select("id").where("stage", "=", "customer").execute();
		expect(customers).toHaveLength(842);
		const again = await runImport(database.db, createReadStream(DEALS), "outcomes", { ...options, outcome: "won" });
		expect(again).toMatchObject({ imported: 0, unchanged: 842 });
	}, 180_000);

	it("shows the won rate by origin as counted by hand from the CSVs", async () => {
		const report = (await call("GET", "/v1/metrics/funnel?from=2017-06-01&to=2018-05-31&zone=UTC")).body;
		expect(report.funnel.map((s: { count: number }) => s.count)).toEqual([8000, 8000, 842, 842, 842]);
		for (const [origin, [leads, won]] of Object.entries(BY_ORIGIN)) {
			const row = report.sources.find((s: { source: string }) => s.source === origin);
			expect(row, origin).toMatchObject({ leads, customers: won });
		}
	});

	it("reports the time from first contact to won, and the won rate by origin, as counted by hand", async () => {
		const all = (await call("GET", "/v1/metrics/stages?from=2017-06-01&to=2018-05-31&zone=UTC")).body;
		expect(all.groups).toHaveLength(1);
		expect(all.groups[0]).toMatchObject({ key: "all", leads: 8000, reached: [8000, 8000, 842, 842, 842] });
		// the median of the 842 deals' days from first contact to won (one of them negative), by hand: 14.650347…
		expect(all.groups[0].days.firstSeenToCustomer.p50).toBeCloseTo(14.650347222, 6);
		const bySource = (await call("GET", "/v1/metrics/stages?from=2017-06-01&to=2018-05-31&by=source")).body;
		for (const [origin, [leads, won]] of Object.entries(BY_ORIGIN)) {
			const group = bySource.groups.find((g: { key: string }) => g.key === origin);
			expect(group, origin).toMatchObject({ leads, won: won / leads });
		}
		const byMonth = (await call("GET", "/v1/metrics/stages?from=2017-06-01&to=2018-05-31&by=month")).body;
		expect(byMonth.groups.reduce((n: number, g: { leads: number }) => n + g.leads, 0)).toBe(8000);
		expect(byMonth.groups.map((g: { key: string }) => g.key)).toContain("2018-05");
	});

	it("takes outcomes by API, by external id, once, moving the stage only forward", async () => {
		const lead = "dac32acd4db4c29c230538b72f8dd87d"; // an MQL of the file that did not close
		const opportunity = { externalId: lead, outcome: "opportunity", at: "2018-03-01T10:00:00Z", amount: 1200 };
		const first = await call("POST", "/v1/outcomes", opportunity);
		expect(first.status).toBe(201);
		expect(first.body).toMatchObject({ created: true, moved: { from: "mql", to: "opportunity" }, warning: null });
		const again = await call("POST", "/v1/outcomes", opportunity);
		expect(again.status).toBe(200);
		expect(again.body.created).toBe(false);
		const lost = await call("POST", "/v1/outcomes", { externalId: lead, outcome: "lost", at: "2018-04-01T10:00:00Z" });
		expect(lost.body.moved).toBeNull();
		const nobody = await call("POST", "/v1/outcomes", {
			externalId: "nope",
			outcome: "won",
			at: "2018-04-01T10:00:00Z",
		});
		expect(nobody.status).toBe(404);
		const unnamed = await call("POST", "/v1/outcomes", { outcome: "won", at: "2018-04-01T10:00:00Z" });
		expect(unnamed.body.error.problems[0]).toEqual({
			field: "leadId",
			message: "name the lead: leadId, externalId or email",
		});
		const outcomes = (await call("GET", `/v1/leads/${first.body.outcome.leadId}/outcomes`)).body.data;
		expect(outcomes.map((o: { outcome: string }) => o.outcome)).toEqual(["opportunity", "lost"]);
	});

	it("turns away rows of outcomes for leads it does not know, by line", async () => {
		const csv = Readable.from(["mql_id,won_date\nnot-a-lead,26-02-2018 19:58\n"]);
		const summary = await runImport(database.db, csv, "outcomes", { ...options, outcome: "won" });
		expect(summary.problems).toEqual([
			{ line: 2, column: "externalId", reason: "no lead not-a-lead: import the leads first" },
		]);
	});
});
