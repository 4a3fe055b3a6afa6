import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../src/app/api-keys.js";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { leadIdOf, recordOutcome } from "../src/app/outcomes.js";
import { createApp } from "../src/http/app.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { TEST_NOW, testClock } from "./support/clock.js";
import { keyCaller } from "./support/sessions.js";

const DAY = 86_400_000;
const at = (daysAgo: number) => new Date(TEST_NOW.getTime() - daysAgo * DAY).toISOString();

describe.each(backends())("which signals convert, on $name", (backend) => {
	let database: Database;
	let app: ReturnType<typeof createApp>;
	let key: string;
	const call = keyCaller(() => ({ app, key }));

	beforeAll(async () => {
		database = await backend.open();
		app = createApp({ db: database.db, clock: testClock() });
		key = (await createApiKey(database.db, "secret", "admin")).key;
		// 200 leads; 50 convert. Planted: converters read the case study (60% against 13%) and are
		// in software (70% against 30%); every converter pays an invoice after converting.
		const converts = (i: number) => i % 4 === 0;
		const messages = Array.from({ length: 200 }, (_, i) => {
			const user = `u${i}`;
			const c = converts(i);
			const reads = c ? i % 20 < 12 : i % 10 === 1;
			const software = c ? i % 10 < 7 : i % 10 < 3;
			return [
				{
					type: "identify",
					messageId: `${user}-i`,
					userId: user,
					traits: { email: `${user}@firm${i}.com`, industry: software ? "Software" : "Retail" },
					timestamp: at(40),
				},
				{
					type: "page",
					messageId: `${user}-p`,
					userId: user,
					name: "Home",
					context: { page: { path: "/" } },
					timestamp: at(35),
				},
				...(reads
					? [{ type: "track", messageId: `${user}-r`, userId: user, event: "Case Study Read", timestamp: at(30) }]
					: []),
				...(c
					? [{ type: "track", messageId: `${user}-pay`, userId: user, event: "Invoice Paid", timestamp: at(1) }]
					: []),
			];
		}).flat();
		expect((await ingestBatch(database.db, messages, { receivedAt: TEST_NOW, history: true })).errors).toEqual([]);
		for (let i = 0; i < 200; i += 4) {
			const id = await leadIdOf(database.db, { externalId: `u${i}` });
			if (!id) throw new Error(`no lead u${i}`);
			await recordOutcome(
				database.db,
				id,
				{ outcome: "won", at: at(10) },
				{ source: "import", actorId: null, now: TEST_NOW },
			);
		}
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
		expect(report.signals.slice(0, 4).map((s: { key: string }) => s.key)).toEqual(
			expect.arrayContaining(["track:Case Study Read", "target-industry", "industry=Software"]),
		);
	});
});
