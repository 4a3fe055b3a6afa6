import { describe, expect, it } from "vitest";
import { liftOf, median } from "./signal-lift.js";

describe("the lift of a signal", () => {
	it("is the risk ratio with a 95% interval that excludes 1 only when the data say so", () => {
		const strong = liftOf(40, 100, 10, 100);
		expect(strong).toMatchObject({ rate: 0.4, baseline: 0.1, lift: 4 });
		expect(strong.low).toBeGreaterThan(1);
		expect(strong.low).toBeCloseTo(2.12, 2);
		expect(strong.high).toBeCloseTo(7.549, 2); // by hand: 4 × e^(1.96 × √0.105)
		const noise = liftOf(3, 20, 14, 100);
		expect(noise.low).toBeLessThan(1);
		expect(noise.high).toBeGreaterThan(1);
	});

	it("stays finite with zero counts, and says nothing without a comparison", () => {
		const none = liftOf(0, 10, 5, 100);
		expect(none.lift).toBeGreaterThan(0);
		expect(Number.isFinite(none.high)).toBe(true);
		expect(liftOf(3, 10, 0, 0)).toMatchObject({ rate: 0.3, baseline: null, lift: null });
		expect(median([3, 1, 2])).toBe(2);
		expect(median([4, 1, 2, 3])).toBe(2.5);
		expect(median([])).toBeNull();
	});
});
