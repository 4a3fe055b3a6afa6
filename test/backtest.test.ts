import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../src/app/api-keys.js";
import { backtest } from "../src/app/backtest.js";
import { createApp } from "../src/http/app.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { TEST_NOW, testClock } from "./support/clock.js";
import { daysAgo, plantedHistory } from "./support/planted.js";
import { keyCaller } from "./support/sessions.js";

describe.each(backends())("backtesting a draft against the active model on $name", (backend) => {
	let database: Database;
	let app: ReturnType<typeof createApp>;
	let key: string;
	const call = keyCaller(() => ({ app, key }));
	const window = `from=${daysAgo(60).slice(0, 10)}&to=${daysAgo(0).slice(0, 10)}`;
	let active: { id: string; document: Record<string, unknown> };

	const draftWith = async (change: (document: Record<string, unknown>) => Record<string, unknown>) => {
		const draft = (await call("POST", "/v1/scoring-models", { basedOn: active.id })).body;
		expect((await call("PUT", `/v1/scoring-models/${draft.id}`, change(draft.document))).status).toBe(200);
		return draft.id as string;
	};
	const threshold = (document: Record<string, unknown>) => ({
		...document,
		qualification: { fitAtLeast: 0, engagementAtLeast: 30 },
	});
	const withRule = (event: string) => (document: Record<string, unknown>) => ({
		...threshold(document),
		engagement: [
			...(document.engagement as unknown[]),
			{ kind: "event", id: "planted", reason: "the signal report says so", when: { event }, points: 40, cap: "ever" },
		],
	});

	beforeAll(async () => {
		database = await backend.open();
		app = createApp({ db: database.db, clock: testClock() });
		key = (await createApiKey(database.db, "secret", "admin")).key;
		await plantedHistory(database.db);
		const models = (await call("GET", "/v1/scoring-models")).body.data;
		active = (await call("GET", `/v1/scoring-models/${models.find((m: { active: boolean }) => m.active).id}`)).body;
	}, 120_000);
	afterAll(async () => database.close());

	it("beats the active model with a draft built from the signal, and gains lead time", async () => {
		const plain = await draftWith(threshold);
		const planted = await draftWith(withRule("Case Study Read"));
		const before = (await call("GET", `/v1/scoring-models/${plain}/backtest?${window}`)).body;
		const after = (await call("GET", `/v1/scoring-models/${planted}/backtest?${window}`)).body;
		expect(after.leads).toBe(200);
		// the case-study readers: 30 converters and 20 others, flagged 30 days ago, 20 days before SQL
		expect(after.draft).toMatchObject({ mqls: 50, precisionSql: 30 / 50, recallSql: 30 / 50, leadTimeDays: 20 });
		expect(after.draft.precisionSql).toBeGreaterThan(after.active.precisionSql ?? 0);
		expect(after.draft.perWeek.reduce((n: number, w: { mqls: number }) => n + w.mqls, 0)).toBe(50);
		expect(before.draft.mqls).toBe(0); // the plain threshold flags nobody on this history
		expect(after.examples.length).toBeGreaterThan(0);
	});

	it("gains nothing from a signal that comes after conversion: the future does not leak", async () => {
		const leaky = await draftWith(withRule("Invoice Paid"));
		const result = (await call("GET", `/v1/scoring-models/${leaky}/backtest?${window}`)).body;
		// every invoice came after its lead was won: those flags are late, never right
		expect(result.draft.mqls).toBe(50);
		expect(result.draft.precisionSql).toBe(0);
		expect(result.draft.recallSql).toBe(0);
		// judged only on history up to 5 days ago, nobody had paid yet
		const earlier = (
			await call(
				"GET",
				`/v1/scoring-models/${leaky}/backtest?from=${daysAgo(60).slice(0, 10)}&to=${daysAgo(5).slice(0, 10)}`,
			)
		).body;
		expect(earlier.draft.mqls).toBe(0);
	});

	it("sweeps the threshold over the same history and finds the one meeting a target", async () => {
		const planted = await draftWith(withRule("Case Study Read"));
		const result = (await call("GET", `/v1/scoring-models/${planted}/backtest?${window}&targetPrecision=0.5`)).body;
		const volumes = result.sweep.map((r: { mqls: number }) => r.mqls);
		expect(volumes).toEqual([...volumes].sort((a: number, b: number) => b - a)); // higher thresholds flag fewer
		expect(result.suggestion.precisionSql).toBeGreaterThanOrEqual(0.5);
		const lower = result.sweep.filter(
			(r: { engagementAtLeast: number }) => r.engagementAtLeast < result.suggestion.engagementAtLeast,
		);
		expect(
			lower.every((r: { precisionSql: number | null; mqls: number }) => r.mqls === 0 || (r.precisionSql ?? 0) < 0.5),
		).toBe(true);
	});

	// threads need connections of their own: PostgreSQL only (the embedded store lives in one thread)
	if (backend.name === "postgres")
		it("replays in worker threads to the very same result", async () => {
			const planted = await draftWith(withRule("Case Study Read"));
			const options = { from: new Date(daysAgo(60)), to: new Date(daysAgo(0)), now: TEST_NOW, targetPrecision: 0.5 };
			const inProcess = await backtest(database.db, planted, options);
			const progress: number[] = [];
			const threaded = await backtest(database.db, planted, {
				...options,
				// seven ranges over two threads, each with its own connection
				threads: { url: database.url as string, count: 2, rangeSize: 30 },
				onProgress: (leads) => progress.push(leads),
			});
			const { elapsedMs: _a, ...expected } = inProcess;
			const { elapsedMs: _b, ...actual } = threaded;
			expect(actual).toEqual(expected);
			expect(threaded.draft.mqls).toBe(50);
			expect(progress.length).toBeGreaterThanOrEqual(7);
			expect(progress.at(-1)).toBe(200);
			// a thread that cannot reach the database fails the backtest, and nothing is left running
			const nowhere = new URL(database.url as string);
			nowhere.pathname = "/qualify_no_such_database";
			await expect(
				backtest(database.db, planted, { ...options, threads: { url: nowhere.href, count: 2, rangeSize: 30 } }),
			).rejects.toThrow(/qualify_no_such_database/);
		});
});
