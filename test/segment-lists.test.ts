import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../src/app/api-keys.js";
import { loadDemo } from "../src/app/load-demo.js";
import { recordOutcome } from "../src/app/outcomes.js";
import { fixedClock } from "../src/domain/clock.js";
import { STARTING_SEGMENTS } from "../src/domain/segments/starting-segments.js";
import { createApp } from "../src/http/app.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { TEST_NOW, testClock } from "./support/clock.js";
import { keyCaller } from "./support/sessions.js";

const DAY = 86_400_000;

/**
 * What the web app's segment pages and lead list stand on: editing a segment, its size over
 * time, static lists from a CSV and from "all that match", and a segment as a filter on the
 * lead list and the dashboard, whose numbers must agree.
 */
describe.each(backends())("segment pages and lists on $name", (backend) => {
	let database: Database;
	let key: string;
	let call: ReturnType<typeof keyCaller>;
	let later: ReturnType<typeof keyCaller>;

	beforeAll(async () => {
		database = await backend.open();
		await loadDemo(database.db, { leads: 160, seed: 7, now: TEST_NOW });
		key = (await createApiKey(database.db, "secret", "segment-pages")).key;
		const app = createApp({ db: database.db, clock: testClock() });
		call = keyCaller(() => ({ app, key }));
		const tomorrow = createApp({ db: database.db, clock: fixedClock(new Date(TEST_NOW.getTime() + DAY)) });
		later = keyCaller(() => ({ app: tomorrow, key }));
	}, 180_000);
	afterAll(async () => database?.close());

	/** Every lead the list shows for these filters, page after page. */
	async function listed(query: Record<string, string>): Promise<string[]> {
		const ids: string[] = [];
		let cursor: string | null = null;
		do {
			const search: string = new URLSearchParams({ ...query, limit: "500", ...(cursor ? { cursor } : {}) }).toString();
			const page = (await call("GET", `/v1/leads?${search}`)).body;
			ids.push(...page.data.map((l: { id: string }) => l.id));
			cursor = page.nextCursor;
		} while (cursor);
		return ids.sort();
	}
	const members = async (id: string) =>
		(
			await sql<{ lead_id: string }>`select lead_id from segment_members where segment_id = ${id}::uuid`.execute(
				database.db,
			)
		).rows
			.map((r) => r.lead_id)
			.sort();

	it("offers the seeds' starting segments, each one a condition the store can count", async () => {
		const templates = (await call("GET", "/v1/segments/templates")).body.data;
		expect(templates.map((t: { name: string }) => t.name)).toEqual(STARTING_SEGMENTS.map((s) => s.name));
		const sizes: Record<string, number> = {};
		for (const t of templates) {
			const preview = await call("POST", "/v1/segments/preview", { text: t.text, sample: 3 });
			expect(preview.status, t.name).toBe(200);
			sizes[t.name] = preview.body.count;
		}
		// the demo holds leads at every step of the journey
		expect(sizes["Journey: top of the funnel"]).toBeGreaterThan(0);
		expect(sizes["Journey: bottom of the funnel"]).toBeGreaterThan(0);
		expect(sizes["Decision-makers in target industries"]).toBeGreaterThan(0);
	});

	it("filters the lead list and the dashboard by a segment, and their numbers agree", async () => {
		const made = await call("POST", "/v1/segments", { name: "Software people", text: 'industry = "Software"' });
		expect(made.status).toBe(201);
		const id = made.body.id as string;
		expect(await listed({ segment: id })).toEqual(await members(id));
		expect(await listed({ segment: id })).toEqual(await listed({ trait: "industry=Software" }));

		const funnel = (await call("GET", `/v1/metrics/funnel?preset=last-90-days&segment=${id}`)).body;
		const whole = (await call("GET", "/v1/metrics/funnel?preset=last-90-days")).body;
		const { start, end } = funnel.period;
		const firstSeen = { firstSeenAfter: start, firstSeenBefore: end, segment: id };
		expect(funnel.funnel[0].count).toBe((await listed(firstSeen)).length);
		expect(funnel.funnel[1].count).toBe((await listed({ ...firstSeen, reached: "mql" })).length);
		expect(funnel.mqlToSql.mqls).toBe((await listed({ mqlAfter: start, mqlBefore: end, segment: id })).length);
		expect(funnel.handoffs.leads).toBe((await listed({ handoffAfter: start, handoffBefore: end, segment: id })).length);
		// a part of the whole, and not all of it
		expect(funnel.funnel[0].count).toBeGreaterThan(0);
		expect(funnel.funnel[0].count).toBeLessThan(whole.funnel[0].count);
		const bars = funnel.series.reduce((n: number, b: { mqls: number }) => n + b.mqls, 0);
		expect(bars).toBe(funnel.mqlToSql.mqls);
		// the sales-team card narrows by the same members
		const from = start;
		const to = end;
		const team = (await call("GET", `/v1/metrics/handoffs?by=source&from=${from}&to=${to}&segment=${id}`)).body.data;
		const handoffs = await sql<{ n: number }>`select count(*)::int as n from handoffs h
			join segment_members m on m.lead_id = h.lead_id and m.segment_id = ${id}::uuid
			where h.assigned_at >= ${start}::timestamptz and h.assigned_at < ${end}::timestamptz`.execute(database.db);
		expect(team.reduce((n: number, r: { handoffs: number }) => n + r.handoffs, 0)).toBe(handoffs.rows[0]?.n);
		// the stage report breaks down by segment: this one's row counts its members first seen in the period
		const stages = (await call("GET", "/v1/metrics/stages?preset=last-90-days&by=segment")).body;
		const row = stages.groups.find((g: { key: string }) => g.key === "Software people");
		expect(row.leads).toBe(funnel.funnel[0].count);
		// an unknown segment is an empty filter, a malformed one a named mistake
		const ghost = "00000000-0000-4000-8000-000000000000";
		expect(await listed({ segment: ghost })).toEqual([]);
		const bad = await call("GET", "/v1/leads?segment=nope");
		expect(bad.status).toBe(400);
		expect(bad.body.error.problems[0].field).toBe("segment");
	});

	it("edits a segment: its members follow at once, and those of segments that name it", async () => {
		const base = (await call("POST", "/v1/segments", { name: "Hot or warm", text: "temperature = hot" })).body;
		const named = (
			await call("POST", "/v1/segments", {
				name: "Hot or warm MQLs",
				text: 'in_segment("Hot or warm") and stage = mql',
			})
		).body;
		const hotMqls = named.members as number;
		const edited = await later("PATCH", `/v1/segments/${base.id}`, { text: "temperature in (warm, hot)" });
		expect(edited.status).toBe(200);
		expect(edited.body.text).toBe('temperature in ("warm", "hot")');
		expect(edited.body.members).toBe(
			(await listed({ temperature: "hot" })).length + (await listed({ temperature: "warm" })).length,
		);
		expect(edited.body.members).toBeGreaterThan(base.members);
		const dependent = (await call("GET", `/v1/segments/${named.id}`)).body;
		const warmOrHotMqls = [
			...(await listed({ temperature: "hot", stage: "mql" })),
			...(await listed({ temperature: "warm", stage: "mql" })),
		].sort();
		expect(await members(named.id)).toEqual(warmOrHotMqls);
		expect(dependent.members).toBeGreaterThanOrEqual(hotMqls);

		// a name others use stays; a condition may not come back round to itself; a list has no condition
		const rename = await call("PATCH", `/v1/segments/${base.id}`, { name: "Engaged" });
		expect(rename.status).toBe(400);
		expect(rename.body.error.problems[0]).toMatchObject({ field: "name" });
		expect(rename.body.error.problems[0].message).toContain("Hot or warm MQLs");
		const cycle = await call("PATCH", `/v1/segments/${base.id}`, { text: 'in_segment("Hot or warm MQLs")' });
		expect(cycle.status).toBe(400);
		expect(cycle.body.error.problems[0].message).toContain("names this segment");
		const list = (await call("POST", "/v1/segments", { name: "Handpicked", kind: "static" })).body;
		expect((await call("PATCH", `/v1/segments/${list.id}`, { text: "stage = mql" })).status).toBe(409);
		expect((await call("PATCH", `/v1/segments/${list.id}`, { name: "Hand-picked" })).body.name).toBe("Hand-picked");
		expect((await call("PATCH", `/v1/segments/${list.id}`, { name: "software PEOPLE" })).status).toBe(409);

		// the size over time ends at the members now, and each day's moves add up to it
		const history = (await later("GET", `/v1/segments/${base.id}/history?days=5&zone=Europe/Berlin`)).body;
		expect(history.days).toHaveLength(5);
		const last = history.days[history.days.length - 1];
		expect(last.size).toBe(edited.body.members);
		const moves = history.days.reduce(
			(n: number, d: { entered: number; exited: number }) => n + d.entered - d.exited,
			0,
		);
		expect(moves).toBe(edited.body.members); // the segment was made within these five days
		expect(history.days.at(-2).size).toBe(base.members);
		// every entry and exit, paged, each once
		const seen: string[] = [];
		let cursor: string | null = null;
		do {
			const q: string = cursor ? `&cursor=${cursor}` : "";
			const page = (await call("GET", `/v1/segments/${base.id}/changes?limit=7${q}`)).body;
			seen.push(
				...page.data.map((c: { leadId: string; change: string; at: string }) => `${c.leadId} ${c.change} ${c.at}`),
			);
			cursor = page.nextCursor;
		} while (cursor);
		expect(new Set(seen).size).toBe(seen.length);
		expect(seen.filter((s) => s.includes("entered")).length).toBe(
			history.days.reduce((n: number, d: { entered: number }) => n + d.entered, 0),
		);
	});

	it("keeps a static list from a CSV, all or nothing, and from every lead that matches the list's filters", async () => {
		const list = (await call("POST", "/v1/segments", { name: "Webinar guests", kind: "static" })).body;
		const some = await sql<{ id: string; email: string }>`select id, email from leads
			where email is not null and merged_into is null order by email limit 4`.execute(database.db);
		const [a, b, c, d] = some.rows as Array<{ id: string; email: string }>;
		const upload = async (csv: string, action = "add") => {
			const response = await createApp({ db: database.db, clock: testClock() }).request(
				`/v1/segments/${list.id}/members.csv?action=${action}`,
				{ method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "text/csv" }, body: csv },
			);
			return { status: response.status, body: await response.json() };
		};
		// a header in another spelling and case, a BOM, an address in capitals, an id column beside it
		const added = await upload(`\uFEFFName,E-Mail\nA,${a?.email.toUpperCase()}\nB,${b?.email}\n`);
		expect(added).toMatchObject({ status: 200, body: { entered: 2, exited: 0, members: 2, rows: 2 } });
		expect((await upload(`lead_id\n${c?.id}\n`)).body).toMatchObject({ entered: 1, members: 3 });
		// one row naming nobody: nothing changes, and the line is named
		const wrong = await upload(`email\n${d?.email}\nnobody@nowhere.example\n`);
		expect(wrong.status).toBe(400);
		expect(wrong.body.error.problems).toEqual([
			{ field: "line 3", message: "no lead with e-mail nobody@nowhere.example" },
		]);
		expect(await members(list.id)).toHaveLength(3);
		const headless = await upload("first,second\nx,y\n");
		expect(headless.body.error.problems[0].field).toBe("header");
		// a bare column of addresses, removing
		expect((await upload(`${a?.email}\n`, "remove")).body).toMatchObject({ exited: 1, members: 2 });

		// "all that match": the list's own filters, the same leads it shows
		const filters = { reached: "mql", source: "google" };
		const matching = await listed(filters);
		expect(matching.length).toBeGreaterThan(0);
		const result = await call("POST", `/v1/segments/${list.id}/members`, { addMatching: filters });
		expect(result.status).toBe(200);
		const expected = [...new Set([...matching, b?.id, c?.id])].sort();
		expect(result.body.members).toBe(expected.length);
		expect(await members(list.id)).toEqual(expected);
		expect(await listed({ segment: list.id })).toEqual(expected);
		const typo = await call("POST", `/v1/segments/${list.id}/members`, { addMatching: { stage: "mqls" } });
		expect(typo.status).toBe(400);
		expect(typo.body.error.problems[0].field).toBe("addMatching.stage");
	});

	it("follows a stage moved by an imported outcome, in the move's own transaction", async () => {
		const won = (
			await call("POST", "/v1/segments", {
				name: "Won recently",
				text: "stage = customer and days_since(stage_changed) < 30",
			})
		).body;
		const lead = await sql<{
			id: string;
		}>`select id from leads where merged_into is null and stage in ('sql', 'opportunity')
			order by id limit 1`.execute(database.db);
		const id = lead.rows[0]?.id as string;
		expect(await members(won.id)).not.toContain(id);
		const recorded = await recordOutcome(
			database.db,
			id,
			{ outcome: "won", at: new Date(TEST_NOW.getTime() - 2 * DAY).toISOString(), amount: 900 },
			{ source: "import", actorId: null, now: TEST_NOW },
		);
		expect(recorded.moved?.to).toBe("customer");
		expect(await members(won.id)).toContain(id);
		const log = await sql<{ change: string }>`select change from segment_changes where segment_id = ${won.id}::uuid
			and lead_id = ${id}::uuid`.execute(database.db);
		expect(log.rows.map((r) => r.change)).toEqual(["entered"]);
	});
});
