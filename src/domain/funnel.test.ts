import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketKeys, filledSeries, funnelRows, intervalFor } from "./funnel.js";

describe("funnel rows", () => {
	it("gives each step its rate from the previous step and from the top", () => {
		expect(funnelRows([200, 50, 20, 10, 5])).toEqual([
			{ step: "lead", count: 200, fromPrevious: null, fromTop: 1 },
			{ step: "mql", count: 50, fromPrevious: 0.25, fromTop: 0.25 },
			{ step: "sql", count: 20, fromPrevious: 0.4, fromTop: 0.1 },
			{ step: "opportunity", count: 10, fromPrevious: 0.5, fromTop: 0.05 },
			{ step: "customer", count: 5, fromPrevious: 0.5, fromTop: 0.025 },
		]);
	});
	it("has no rate rather than a division by zero", () => {
		expect(funnelRows([3, 0, 0, 0, 0]).map((r) => r.fromPrevious)).toEqual([null, 0, null, null, null]);
		expect(funnelRows([]).every((r) => r.count === 0 && r.fromTop === null)).toBe(true);
	});
	it("never reports a rate above 1 for a funnel that narrows", () => {
		fc.assert(
			fc.property(fc.array(fc.nat(1000), { minLength: 5, maxLength: 5 }), (raw) => {
				const narrowing = raw.map((_, i) => Math.min(...raw.slice(0, i + 1)));
				for (const row of funnelRows(narrowing)) {
					for (const r of [row.fromPrevious, row.fromTop]) if (r !== null) expect(r).toBeLessThanOrEqual(1);
				}
			}),
		);
	});
});

describe("buckets", () => {
	it("counts days, both ends included, and switches to weeks past 62 days", () => {
		expect(bucketKeys("2026-02-27", "2026-03-02", "day")).toEqual([
			"2026-02-27",
			"2026-02-28",
			"2026-03-01",
			"2026-03-02",
		]);
		expect(intervalFor("2026-01-01", "2026-03-03")).toBe("day");
		expect(intervalFor("2026-01-01", "2026-03-04")).toBe("week");
	});
	it("starts weeks on the Monday on or before the first day", () => {
		// 2026-11-22 is a Sunday
		expect(bucketKeys("2026-11-22", "2026-12-07", "week")).toEqual([
			"2026-11-16",
			"2026-11-23",
			"2026-11-30",
			"2026-12-07",
		]);
	});
	it("fills the buckets where nothing happened with zero", () => {
		const series = filledSeries(
			["2026-01-01", "2026-01-02", "2026-01-03"],
			[{ bucket: "2026-01-02", mqls: 4, sqls: 1 }],
			["mqls", "sqls"],
		);
		expect(series).toEqual([
			{ bucket: "2026-01-01", mqls: 0, sqls: 0 },
			{ bucket: "2026-01-02", mqls: 4, sqls: 1 },
			{ bucket: "2026-01-03", mqls: 0, sqls: 0 },
		]);
	});
});
