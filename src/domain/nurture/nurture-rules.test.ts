import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Step } from "../../schemas/nurture.js";
import { isHeldOut } from "./holdout.js";
import { machineReason } from "./machine-activity.js";
import { afterQuietHours, capFreesAt, nextWindow, sendTime } from "./send-timing.js";
import { loopsWithoutWait, nextStep } from "./step-walk.js";

const at = (iso: string) => new Date(iso);
const QUIET = { from: "21:00", to: "08:00" };

describe("quiet hours and send windows in the lead's own zone", () => {
	it.each([
		// [instant, zone, first moment allowed]
		["2026-11-20T12:00:00Z", "Europe/Berlin", "2026-11-20T12:00:00.000Z"], // 13:00 there: allowed
		["2026-11-20T12:00:00Z", "America/Los_Angeles", "2026-11-20T16:00:00.000Z"], // 04:00 → 08:00 PST
		["2026-11-20T12:00:00Z", "Asia/Tokyo", "2026-11-20T23:00:00.000Z"], // 21:00 → 08:00 next day JST
		["2026-11-20T20:30:00Z", "Asia/Kolkata", "2026-11-21T02:30:00.000Z"], // 02:00 IST → 08:00 (+5:30)
		// the night the clocks go back in Berlin: 08:00 CET is 07:00 UTC
		["2026-10-25T03:00:00Z", "Europe/Berlin", "2026-10-25T07:00:00.000Z"],
		// the night they go forward in Sydney (AEST → AEDT on 2026-10-04): 08:00 AEDT is 21:00 UTC the day before
		["2026-10-03T17:00:00Z", "Australia/Sydney", "2026-10-03T21:00:00.000Z"],
	])("at %s in %s the e-mail may leave at %s", (now, zone, expected) => {
		expect(afterQuietHours(at(now), zone, QUIET).toISOString()).toBe(expected);
	});

	it("never returns a quiet moment, nor one before now, nor one more than a day away", () => {
		const zones = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "Pacific/Chatham"];
		fc.assert(
			fc.property(
				fc.date({ min: at("2025-01-01T00:00:00Z"), max: at("2028-01-01T00:00:00Z"), noInvalidDate: true }),
				fc.constantFrom(...zones),
				(now, zone) => {
					const when = afterQuietHours(now, zone, QUIET);
					const hour = Number(
						new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", hourCycle: "h23" }).format(when),
					);
					expect(when.getTime()).toBeGreaterThanOrEqual(now.getTime());
					expect(when.getTime() - now.getTime()).toBeLessThanOrEqual(24 * 3_600_000);
					expect(hour >= 8 && hour < 21).toBe(true);
				},
			),
			{ numRuns: 500 },
		);
	});

	it("waits for a weekday window: Friday evening in New York waits for Tuesday 10:00", () => {
		// Friday 2026-11-20 18:00 EST; window Tuesday and Thursday 10:00–12:00
		const when = nextWindow(at("2026-11-20T23:00:00Z"), "America/New_York", [2, 4], "10:00", "12:00");
		expect(when.toISOString()).toBe("2026-11-24T15:00:00.000Z");
		const inside = at("2026-11-24T16:00:00Z");
		expect(nextWindow(inside, "America/New_York", [2, 4], "10:00", "12:00")).toEqual(inside);
	});

	it("frees a place under the weekly cap when the oldest e-mail in the week is seven days old", () => {
		const now = at("2026-11-20T12:00:00Z");
		const sent = [at("2026-11-14T09:00:00Z"), at("2026-11-18T09:00:00Z"), at("2026-11-10T09:00:00Z")];
		expect(capFreesAt(sent, now, 3)).toBeNull(); // the one from the 10th is out of the week
		expect(capFreesAt(sent, now, 2)?.toISOString()).toBe("2026-11-21T09:00:00.000Z");
		// a freed place that falls in quiet hours waits for the morning
		expect(
			sendTime(now, { timeZone: "Asia/Tokyo", sentTimes: sent }, { weeklyCap: 2, quietHours: QUIET }).toISOString(),
		).toBe("2026-11-21T09:00:00.000Z"); // 18:00 JST: allowed
		expect(
			sendTime(
				now,
				{ timeZone: "America/Los_Angeles", sentTimes: sent },
				{ weeklyCap: 2, quietHours: QUIET },
			).toISOString(),
		).toBe("2026-11-21T16:00:00.000Z"); // 01:00 PST → 08:00
	});
});

describe("the holdout draw", () => {
	it("keeps back close to the share asked, and the same leads every time", () => {
		fc.assert(
			fc.property(fc.uuid(), fc.integer({ min: 1, max: 50 }), (sequence, percent) => {
				const leads = Array.from({ length: 4000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
				const held = leads.filter((l) => isHeldOut(sequence, l, percent)).length;
				expect(Math.abs(held / leads.length - percent / 100)).toBeLessThan(0.03);
				expect(leads.filter((l) => isHeldOut(sequence, l, percent)).length).toBe(held);
			}),
			{ numRuns: 20 },
		);
		expect(isHeldOut("a", "b", 0)).toBe(false);
	});
});

describe("machine activity", () => {
	const sentAt = at("2026-11-20T12:00:00Z");
	const later = (s: number) => new Date(sentAt.getTime() + s * 1000);
	const human = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0";
	const context = { sentAt, earlierClicks: [], links: 4 };

	it("tells scanners, proxies, instant clicks and link bursts from people", () => {
		expect(machineReason({ kind: "click", at: later(300), userAgent: "Barracuda Sentinel" }, context)).toBe(
			"link scanner",
		);
		expect(machineReason({ kind: "open", at: later(1), userAgent: "Mozilla/5.0" }, context)).toBe("privacy proxy");
		expect(
			machineReason({ kind: "open", at: later(1), userAgent: "Mozilla/5.0 (via ggpht.com GoogleImageProxy)" }, context),
		).toBe("privacy proxy");
		expect(machineReason({ kind: "click", at: later(3), userAgent: human, url: "a" }, context)).toBe(
			"clicked within seconds of delivery",
		);
		const burst = {
			...context,
			earlierClicks: [
				{ at: later(600), url: "a" },
				{ at: later(601), url: "b" },
			],
		};
		expect(machineReason({ kind: "click", at: later(602), userAgent: human, url: "c" }, burst)).toBe(
			"every link at once",
		);
		expect(machineReason({ kind: "click", at: later(602), userAgent: human, url: "a" }, burst)).toBeNull();
		expect(machineReason({ kind: "click", at: later(900), userAgent: human, url: "c" }, burst)).toBeNull();
		expect(machineReason({ kind: "open", at: later(30), userAgent: human }, context)).toBeNull();
	});
});

describe("walking the steps", () => {
	const steps: Step[] = [
		{ id: "mail", kind: "email", template: "00000000-0000-4000-8000-000000000001" },
		{ id: "check", kind: "branch", if: { test: "clicked_last" }, yes: "exit", no: "wait" },
		{ id: "wait", kind: "wait", amount: 2, unit: "days" },
		{ id: "again", kind: "branch", if: { test: "opened_last" }, yes: "next", no: "check" },
		{ id: "done", kind: "exit" },
	];

	it("follows branches by id, to the next step, or out", () => {
		expect(nextStep(steps, 0)).toBe(1);
		expect(nextStep(steps, 1, true)).toBe("end");
		expect(nextStep(steps, 1, false)).toBe(2);
		expect(nextStep(steps, 3, false)).toBe(1);
		expect(nextStep(steps, 3, true)).toBe(4);
		expect(nextStep(steps, 4)).toBe("end");
	});

	it("accepts a loop with a wait on it and names the steps of one without", () => {
		expect(loopsWithoutWait(steps)).toEqual([]);
		const busy: Step[] = [
			{ id: "a", kind: "notify_owner", message: "x" },
			{ id: "b", kind: "branch", if: { test: "replied" }, yes: "exit", no: "a" },
		];
		expect(loopsWithoutWait(busy).sort()).toEqual(["a", "b"]);
	});
});
