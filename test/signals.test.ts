import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../src/app/api-keys.js";
import { createUser } from "../src/app/users.js";
import { createApp } from "../src/http/app.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { testClock } from "./support/clock.js";
import { plantedHistory } from "./support/planted.js";
import { keyCaller, sessions } from "./support/sessions.js";

describe.each(backends())("which signals convert, on $name", (backend) => {
	let database: Database;
	let app: ReturnType<typeof createApp>;
	let key: string;
	const call = keyCaller(() => ({ app, key }));

	beforeAll(async () => {
		database = await backend.open();
		app = createApp({ db: database.db, clock: testClock() });
		key = (await createApiKey(database.db, "secret", "admin")).key;
		await plantedHistory(database.db);
	}, 120_000);
	afterAll(async () => database.close());

	it("finds the planted signals, with intervals, and never counts what happened after conversion", async () => {
		const report = (await call("GET", "/v1/metrics/signals?preset=last-90-days&minLeads=10")).body;
		expect(report).toMatchObject({ leads: 200, sqlLeads: 50, wonLeads: 50 });
		const byKey = new Map(report.signals.map((s: { key: string }) => [s.key, s]));
		const caseStudy = byKey.get("track:Case Study Read") as {
			leads: number;
			sql: { rate: number; low: number };
			daysBeforeSql: number;
		};
		expect(caseStudy.leads).toBe(30 + 20); // 30 of the 50 converters, 20 of the 150 others
		expect(caseStudy.sql.rate).toBeCloseTo(30 / 50, 6);
		expect(caseStudy.sql.low).toBeGreaterThan(1);
		expect(caseStudy.daysBeforeSql).toBeCloseTo(20, 6); // read 30 days ago, won 10 days ago
		const software = byKey.get("industry=Software") as { sql: { lift: number; low: number } };
		expect(software.sql.low).toBeGreaterThan(1);
		// the invoice came after conversion: it is no signal at all
		expect(byKey.has("track:Invoice Paid")).toBe(false);
		// the home page everyone saw is no signal either (it says nothing)
		expect(byKey.has("page:/")).toBe(false);
		// strongest first, by the lower end of the interval
		const lows = report.signals.map((s: { sql: { low: number | null } }) => s.sql.low ?? 0);
		expect(lows).toEqual([...lows].sort((a, b) => b - a));
		// the model's own rule for target industries reads the same planted signal
		const rule = report.signals.find(
			(s: { kind: string; key: string }) => s.kind === "rule" && s.key === "target-industry",
		);
		expect(rule.sql.low).toBeGreaterThan(1);
		// each trait or event signal links to its leads
		const readers = (await call("GET", "/v1/leads?did=track:Case%20Study%20Read&limit=500")).body.data;
		expect(readers).toHaveLength(50);
		const inSoftware = (await call("GET", "/v1/leads?trait=industry%3DSoftware&limit=500")).body.data;
		expect(inSoftware.length).toBe(40 + 40); // 80% of the 50 converters, 27% of the 150 others
		expect((await call("GET", "/v1/leads?trait=nonsense")).body.error.problems[0].field).toBe("trait");
		expect(report.signals.slice(0, 4).map((s: { key: string }) => s.key)).toEqual(
			expect.arrayContaining(["track:Case Study Read", "target-industry", "industry=Software"]),
		);
	});

	it("suggests points for the clear signals and drafts a model of them, for marketing only", async () => {
		const report = (await call("GET", "/v1/metrics/signals?preset=last-90-days&minLeads=10")).body;
		const byKey = new Map(report.signals.map((s: { key: string }) => [s.key, s]));
		const caseStudy = byKey.get("track:Case Study Read") as { points: number; sql: { lift: number } };
		expect(caseStudy.points).toBe(Math.round(10 * Math.log2(caseStudy.sql.lift)));
		expect(caseStudy.points).toBeGreaterThan(0);
		// the model's own rules are not suggested again
		expect(
			report.signals.filter((s: { kind: string; points: number | null }) => s.kind === "rule" && s.points !== null),
		).toEqual([]);

		const refused = await call("POST", "/v1/scoring-models/from-signals", { minLeads: 10 });
		expect(refused.status).toBe(400);
		expect(refused.body.error.problems[0].field).toBe("from");
		const made = await call("POST", "/v1/scoring-models/from-signals", { preset: "last-90-days", minLeads: 10 });
		expect(made.status).toBe(201);
		expect(made.body.status).toBe("draft");
		const reading = made.body.document.engagement.find(
			(r: { when?: { event?: string } }) => r.when?.event === "Case Study Read",
		);
		expect(reading).toMatchObject({ kind: "event", points: caseStudy.points, cap: "day" });
		expect(reading.reason).toMatch(/60% reached SQL against 13% without/);
		const software = made.body.document.fit.find(
			(r: { if: { field: string; value: unknown } }) => r.if.field === "industry" && r.if.value === "Software",
		);
		expect(software.points).toBeGreaterThan(0);
		expect(made.body.document.qualification).toEqual({ fitAtLeast: 0, engagementAtLeast: 30 });

		await createUser(database.db, { email: "sam@sales.io", name: "Sam", role: "sales", password: "sales password 1" });
		const { signIn, as } = sessions(app);
		const sam = await signIn("sam@sales.io", "sales password 1");
		const asSales = await as(sam, "POST", "/v1/scoring-models/from-signals", { preset: "last-90-days" });
		expect(asSales.status).toBe(403);
	});
});
