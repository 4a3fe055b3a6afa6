import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { waitBeforeNextTry } from "./sign-in-throttle.js";

const rule = { limit: 3, windowMs: 60_000 };

describe("sign-in throttle", () => {
	it("allows tries below the limit and refuses at it until the oldest counted failure leaves the window", () => {
		const now = 1_000_000;
		expect(waitBeforeNextTry([], now, rule)).toBe(0);
		expect(waitBeforeNextTry([now - 10_000, now - 5_000], now, rule)).toBe(0);
		expect(waitBeforeNextTry([now - 50_000, now - 10_000, now - 5_000], now, rule)).toBe(10_000);
		// failures outside the window do not count
		expect(waitBeforeNextTry([now - 70_000, now - 10_000, now - 5_000], now, rule)).toBe(0);
		// more than the limit: wait for the limit-th newest to expire
		expect(waitBeforeNextTry([now - 59_000, now - 30_000, now - 10_000, now - 5_000], now, rule)).toBe(30_000);
	});
	it("never lets more than the limit of failures into any window when each try waits as told", () => {
		fc.assert(
			fc.property(fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: 1, maxLength: 60 }), (gaps) => {
				const failures: number[] = [];
				let now = 0;
				for (const gap of gaps) {
					now += gap;
					const wait = waitBeforeNextTry(failures, now, rule);
					if (wait > 0) now += wait;
					expect(waitBeforeNextTry(failures, now, rule)).toBe(0);
					failures.push(now);
					const inWindow = failures.filter((at) => at > now - rule.windowMs).length;
					expect(inWindow).toBeLessThanOrEqual(rule.limit);
				}
			}),
		);
	});
});
