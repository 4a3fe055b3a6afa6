import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backtestMetrics, firstFlag, type LeadTrace, thresholdFor, thresholdSweep, type Window } from "./backtest.js";

const DAY = 86_400_000;
const window: Window = { start: 20 * DAY, end: 60 * DAY };

const trace = fc
	.record({
		points: fc.array(
			fc.record({
				at: fc.integer({ min: 0, max: 80 }).map((d) => d * DAY),
				fit: fc.integer({ min: -20, max: 40 }),
				engagement: fc.integer({ min: 0, max: 100 }),
				handRaised: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
			}),
			{ maxLength: 12 },
		),
		sqlAt: fc.option(fc.integer({ min: 0, max: 90 }).map((d) => d * DAY + 1)),
		wonAt: fc.option(fc.integer({ min: 0, max: 90 }).map((d) => d * DAY + 2)),
	})
	.map(({ points, sqlAt, wonAt }) => ({
		points: [...points].sort((a, b) => a.at - b.at).map((p) => ({ ...p, qualified: false })),
		sqlAt,
		wonAt,
	}));

describe("the threshold sweep", () => {
	it("gives, for every pair of fit floor and threshold, what a full backtest of that rule gives", () => {
		fc.assert(
			fc.property(
				fc.array(trace, { maxLength: 30 }),
				fc.array(fc.integer({ min: -20, max: 40 }), { minLength: 1, maxLength: 3 }),
				fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 4 }),
				(raw, floors, thresholds) => {
					const traces: LeadTrace[] = raw.map((t, i) => ({ ...t, id: `l${i}` }));
					const rows = thresholdSweep(traces, floors, thresholds, window);
					expect(rows).toHaveLength(floors.length * thresholds.length);
					for (const row of rows) {
						const flags = new Map(
							traces.map((t) => [
								t.id,
								firstFlag(
									t,
									(p) => p.handRaised || (p.fit >= row.fitAtLeast && p.engagement >= row.engagementAtLeast),
									window,
								),
							]),
						);
						const full = backtestMetrics(traces, flags, window);
						expect(row).toEqual({
							fitAtLeast: row.fitAtLeast,
							engagementAtLeast: row.engagementAtLeast,
							mqls: full.mqls,
							precisionSql: full.precisionSql,
							precisionWon: full.precisionWon,
							recallSql: full.recallSql,
						});
					}
				},
			),
			{ numRuns: 300 },
		);
	});

	it("meets a volume goal with the most precise pair at 90–100% of it, judged by SQL or won", () => {
		const row = (fitAtLeast: number, mqls: number, precisionSql: number, precisionWon: number) => ({
			fitAtLeast,
			engagementAtLeast: 10,
			mqls,
			precisionSql,
			precisionWon,
			recallSql: 0.5,
		});
		const sweep = [row(0, 120, 0.5, 0.1), row(5, 100, 0.3, 0.4), row(10, 95, 0.35, 0.3), row(20, 40, 0.9, 0.9)];
		expect(thresholdFor(sweep, { volume: 100 })).toEqual(sweep[2]);
		expect(thresholdFor(sweep, { volume: 100, judgeBy: "won" })).toEqual(sweep[1]);
		// none near the goal: the most MQLs under it
		expect(thresholdFor(sweep, { volume: 80 })).toEqual(sweep[3]);
		expect(thresholdFor(sweep, { precision: 0.3 })).toEqual(sweep[0]);
		expect(thresholdFor(sweep, { precision: 0.95 })).toBeNull();
	});
});
