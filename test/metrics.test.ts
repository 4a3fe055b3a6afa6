import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiKey } from "../src/app/api-keys.js";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { createApp } from "../src/http/app.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { received, TEST_NOW, testClock } from "./support/clock.js";
import { teamWithOwner } from "./support/sales-team.js";

/** A lead first seen at `at`, from `source`, who asks for a demo (a hand-raiser) when `hot`. */
const lead = (user: string, at: string, source: string | null, hot: boolean) => [
	{
		type: "identify",
		messageId: `${user}-i`,
		userId: user,
		timestamp: at,
		traits: { email: `${user}@acme.io`, company: `${user} GmbH` },
		...(source ? { context: { campaign: { source } } } : {}),
	},
	...(hot ? [{ type: "track", messageId: `${user}-d`, userId: user, event: "Demo Requested", timestamp: at }] : []),
];

describe.each(backends())("the dashboard's numbers on $name", (backend) => {
	let database: Database;
	let app: ReturnType<typeof createApp>;
	let secret: string;
	const get = async (path: string) => {
		const response = await app.request(path, { headers: { authorization: `Bearer ${secret}` } });
		return { status: response.status, body: await response.json() };
	};
	const post = async (path: string, body: unknown) =>
		app.request(path, {
			method: "POST",
			headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
			body: JSON.stringify(body),
		});
	const idOf = async (user: string) => (await get(`/v1/leads?q=${user}%40`)).body.data[0].id as string;

	beforeEach(async () => {
		database = await backend.open();
		app = createApp({ db: database.db, clock: testClock() });
		secret = (await createApiKey(database.db, "secret", "admin")).key;
		const owner = await teamWithOwner(database.db, { name: "Sam", email: "sam@sales.io" });
		expect(owner?.id).toBeTruthy();
		// Six leads in November 2025 (Berlin), one in October; three raise their hand. Qualify
		// learns of them today (TEST_NOW, a year on), as an import of history would.
		const now = TEST_NOW;
		const batch = [
			...lead("ann", "2025-11-02T09:00:00Z", "LinkedIn", true),
			...lead("bob", "2025-11-02T10:00:00Z", "linkedin", true),
			...lead("cat", "2025-11-03T10:00:00Z", "google", true),
			...lead("dan", "2025-11-04T10:00:00Z", "google", false),
			...lead("eve", "2025-11-05T10:00:00Z", null, false),
			// 23:30 UTC on 31 October is 00:30 on 1 November in Berlin
			...lead("fay", "2025-10-31T23:30:00Z", "google", false),
			...lead("old", "2025-10-10T10:00:00Z", "google", true),
		];
		const result = await ingestBatch(database.db, batch, { receivedAt: now });
		expect(result.errors).toEqual([]);
	});
	afterEach(async () => {
		await database.close();
	});

	it("counts the funnel the leads of a period reached, with rates, series, sources and temperatures", async () => {
		const queue = (await get("/v1/handoffs")).body.data as Array<{ id: string; leadId: string }>;
		const ann = await idOf("ann");
		const bob = await idOf("bob");
		const annHandoff = queue.find((h) => h.leadId === ann);
		const bobHandoff = queue.find((h) => h.leadId === bob);
		expect(annHandoff && bobHandoff).toBeTruthy();
		expect((await post(`/v1/handoffs/${annHandoff?.id}/touch`, { kind: "call" })).status).toBe(200);
		expect((await post(`/v1/handoffs/${annHandoff?.id}/accept`, {})).status).toBe(200);
		expect((await post(`/v1/leads/${ann}/stage`, { to: "opportunity" })).status).toBe(204);
		expect((await post(`/v1/leads/${ann}/stage`, { to: "customer" })).status).toBe(204);
		expect(
			(await post(`/v1/handoffs/${bobHandoff?.id}/reject`, { rejection: "no_budget", outcome: "recycled" })).status,
		).toBe(200);

		const { status, body } = await get("/v1/metrics/funnel?from=2025-11-01&to=2025-11-30&zone=Europe/Berlin");
		expect(status).toBe(200);
		expect(body.period).toMatchObject({
			interval: "day",
			start: "2025-10-31T23:00:00.000Z",
			end: "2025-11-30T23:00:00.000Z",
		});
		expect(body.funnel).toEqual([
			{ step: "lead", count: 6, fromPrevious: null, fromTop: 1 },
			// bob was rejected, yet he was an MQL: the funnel counts what happened
			{ step: "mql", count: 3, fromPrevious: 0.5, fromTop: 0.5 },
			{ step: "sql", count: 1, fromPrevious: 1 / 3, fromTop: 1 / 6 },
			{ step: "opportunity", count: 1, fromPrevious: 1, fromTop: 1 / 6 },
			{ step: "customer", count: 1, fromPrevious: 1, fromTop: 1 / 6 },
		]);
		expect(body.series).toHaveLength(30);
		// an MQL counts when the event that qualified it happened; sales accepted ann today
		const nonZero = body.series.filter((b: { mqls: number; sqls: number }) => b.mqls + b.sqls > 0);
		expect(nonZero).toEqual([
			{ bucket: "2025-11-02", mqls: 2, sqls: 0 },
			{ bucket: "2025-11-03", mqls: 1, sqls: 0 },
		]);
		expect(body.sources).toEqual([
			{ source: "google", leads: 3, mqls: 1, sqls: 0, customers: 0, leadToMql: 1 / 3, mqlToSql: 0 },
			{ source: "linkedin", leads: 2, mqls: 2, sqls: 1, customers: 1, leadToMql: 1, mqlToSql: 0.5 },
			{ source: "(direct)", leads: 1, mqls: 0, sqls: 0, customers: 0, leadToMql: 0, mqlToSql: null },
		]);
		const t = body.temperatures;
		expect(t.hot + t.warm + t.cold + t.unscored).toBe(6);
		expect(body.handoffs).toMatchObject({ leads: 0, touched: 0 }); // handed off today
		expect(body.mqlToSql).toEqual({ mqls: 3, sqls: 1, rate: 1 / 3 });
		const made = `mqlAfter=${body.period.start}&mqlBefore=${body.period.end}`;
		const emails = (rows: Array<{ email: string }>) => rows.map((l) => l.email).sort();
		expect(emails((await get(`/v1/leads?${made}`)).body.data)).toEqual(["ann@acme.io", "bob@acme.io", "cat@acme.io"]);
		expect(emails((await get(`/v1/leads?reached=sql&${made}`)).body.data)).toEqual(["ann@acme.io"]);

		// every number links to the leads behind it
		const window = "firstSeenAfter=2025-10-31T23:00:00.000Z&firstSeenBefore=2025-11-30T23:00:00.000Z";
		const reachedSql = (await get(`/v1/leads?reached=sql&${window}`)).body.data;
		expect(reachedSql.map((l: { email: string }) => l.email)).toEqual(["ann@acme.io"]);
		const fromGoogle = (await get(`/v1/leads?source=google&${window}`)).body.data;
		expect(fromGoogle.map((l: { email: string }) => l.email).sort()).toEqual([
			"cat@acme.io",
			"dan@acme.io",
			"fay@acme.io",
		]);
		expect((await get(`/v1/leads?source=(direct)&${window}`)).body.data.map((l: { email: string }) => l.email)).toEqual(
			["eve@acme.io"],
		);
	});

	it("buckets by week over a long period, and counts handoffs when sales was told", async () => {
		const { body } = await get("/v1/metrics/funnel?from=2025-09-01&to=2025-11-30");
		expect(body.period.interval).toBe("week");
		expect(body.series[0].bucket).toBe("2025-09-01");
		expect(body.series.find((b: { bucket: string }) => b.bucket === "2025-10-06")).toEqual({
			bucket: "2025-10-06",
			mqls: 1,
			sqls: 0,
		});
		expect(body.mqlToSql).toEqual({ mqls: 4, sqls: 0, rate: 0 });
		expect(body.handoffs.leads).toBe(0);
		const today = TEST_NOW.toISOString().slice(0, 10);
		const now = (await get(`/v1/metrics/funnel?from=${today}&to=${today}`)).body;
		expect(now.handoffs).toMatchObject({ leads: 4, touched: 0, speedToLeadMedian: null, accepted: 0, open: 4 });
		expect(now.mqlToSql).toEqual({ mqls: 0, sqls: 0, rate: null });
	});

	it("names the field of a bad period", async () => {
		const bad = await get("/v1/metrics/funnel?from=2025-11-30&to=2025-11-01&zone=Mars/Olympus");
		expect(bad.status).toBe(400);
		const fields = bad.body.error.problems.map((p: { field: string }) => p.field);
		expect(fields).toContain("zone");
		const reversed = await get("/v1/metrics/funnel?from=2025-11-30&to=2025-11-01");
		expect(reversed.body.error.problems).toEqual([{ field: "to", message: "must not be before from" }]);
	});

	it("sorts leads by score and pages through them exactly once, and filters by owner", async () => {
		const seen: Array<{ email: string; total: number }> = [];
		let cursor: string | null = null;
		do {
			const page: {
				data: Array<{ email: string; score: { fit: number; engagement: number } | null }>;
				nextCursor: string | null;
			} = (await get(`/v1/leads?sort=score&order=desc&limit=2${cursor ? `&cursor=${cursor}` : ""}`)).body;
			for (const l of page.data)
				seen.push({ email: l.email, total: l.score ? l.score.fit + l.score.engagement : -Infinity });
			cursor = page.nextCursor;
		} while (cursor);
		expect(seen).toHaveLength(7);
		expect(new Set(seen.map((s) => s.email)).size).toBe(7);
		for (let i = 1; i < seen.length; i++) expect(seen[i - 1]?.total).toBeGreaterThanOrEqual(seen[i]?.total as number);

		const owners = (await get("/v1/owners")).body.data as Array<{ id: string }>;
		const owned = (await get(`/v1/leads?owner=${owners[0]?.id}`)).body.data
			.map((l: { email: string }) => l.email)
			.sort();
		expect(owned).toEqual(["ann@acme.io", "bob@acme.io", "cat@acme.io", "old@acme.io"]);
		expect((await get("/v1/leads?owner=none")).body.data).toHaveLength(3);
		const detail = (await get(`/v1/leads/${await idOf("ann")}`)).body;
		expect(detail.owner).toMatchObject({ name: "Sam", team: "Global", handoffStatus: "open" });
		expect(detail.source).toBe("linkedin");
	});

	it("keeps the source of the earliest touch, whatever order events arrive in", async () => {
		const touch = (id: string, at: string, context: Record<string, unknown>) => ({
			type: "page",
			messageId: id,
			userId: "zoe",
			timestamp: at,
			context,
		});
		await ingestBatch(
			database.db,
			[touch("z2", "2025-06-02T00:00:00Z", { campaign: { source: "twitter" } })],
			received,
		);
		await ingestBatch(
			database.db,
			[
				touch("z1", "2025-06-01T00:00:00Z", { page: { referrer: "https://www.g2.com/x", url: "https://q.dev/" } }),
				touch("z3", "2025-06-03T00:00:00Z", { campaign: { source: "newsletter" } }),
			],
			received,
		);
		const zoe = (await get("/v1/leads?q=zoe")).body.data[0];
		expect(zoe.source).toBe("g2.com");
	});

	it("breaks stages down by the campaign of each lead's first touch that named one", async () => {
		const touch = (user: string, id: string, at: string, campaign: string | null, event?: string) => ({
			type: event ? "track" : "page",
			...(event ? { event } : {}),
			messageId: id,
			userId: user,
			timestamp: at,
			context: campaign ? { campaign: { name: campaign, source: "google" } } : {},
		});
		const events = [
			touch("cam1", "c1a", "2025-07-01T10:00:00Z", null),
			touch("cam1", "c1b", "2025-07-02T10:00:00Z", "spring-webinar"),
			touch("cam1", "c1c", "2025-07-03T10:00:00Z", "retargeting", "Demo Requested"),
			touch("cam2", "c2a", "2025-07-04T10:00:00Z", "spring-webinar"),
			touch("cam3", "c3a", "2025-07-05T10:00:00Z", "retargeting", "Demo Requested"),
		];
		expect((await ingestBatch(database.db, events, received)).errors).toEqual([]);
		const report = (await get("/v1/metrics/stages?from=2025-07-01&to=2025-07-31&by=campaign")).body;
		const groups = Object.fromEntries(
			report.groups.map((g: { key: string; leads: number; reached: number[] }) => [g.key, [g.leads, g.reached[1]]]),
		);
		// cam1's first named campaign is the webinar, although it asked for a demo under retargeting
		expect(groups).toEqual({ "spring-webinar": [2, 1], retargeting: [1, 1] });
	});
});
