import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { change, dateIn, daysIn, PERIOD_PRESETS, presetPeriod, previousPeriod } from "./report-periods.js";

describe("report periods", () => {
	it("gives each preset its days up to today", () => {
		const today = "2026-11-18"; // a Wednesday
		expect(presetPeriod("today", today)).toEqual({ from: today, to: today });
		expect(presetPeriod("this-week", today)).toEqual({ from: "2026-11-16", to: today });
		expect(presetPeriod("this-month", today)).toEqual({ from: "2026-11-01", to: today });
		expect(presetPeriod("this-quarter", today)).toEqual({ from: "2026-10-01", to: today });
		expect(presetPeriod("this-quarter", "2026-03-31")).toEqual({ from: "2026-01-01", to: "2026-03-31" });
		expect(presetPeriod("this-week", "2026-11-16")).toEqual({ from: "2026-11-16", to: "2026-11-16" });
		expect(presetPeriod("this-week", "2026-11-22")).toEqual({ from: "2026-11-16", to: "2026-11-22" });
		expect(presetPeriod("last-7-days", today)).toEqual({ from: "2026-11-12", to: today });
		expect(daysIn(presetPeriod("last-90-days", today))).toBe(90);
	});

	it("compares with as many days just before, for any period", () => {
		fc.assert(
			fc.property(
				fc.date({ min: new Date("2001-01-01"), max: new Date("2099-12-31"), noInvalidDate: true }),
				fc.constantFrom(...PERIOD_PRESETS),
				(instant, preset) => {
					const period = presetPeriod(preset, instant.toISOString().slice(0, 10));
					const before = previousPeriod(period);
					expect(daysIn(before)).toBe(daysIn(period));
					expect(daysIn({ from: before.from, to: period.to })).toBe(2 * daysIn(period));
					expect(period.from <= period.to).toBe(true);
				},
			),
		);
	});

	it("reads the date in the zone, and says no change rather than infinity after nothing", () => {
		const instant = new Date("2026-11-20T23:30:00Z");
		expect(dateIn(instant, "UTC")).toBe("2026-11-20");
		expect(dateIn(instant, "Europe/Berlin")).toBe("2026-11-21");
		expect(dateIn(instant, "America/Los_Angeles")).toBe("2026-11-20");
		expect(change(15, 10)).toBe(0.5);
		expect(change(5, 0)).toBeNull();
	});
});
