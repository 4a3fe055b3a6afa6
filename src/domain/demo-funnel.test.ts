import { describe, expect, it } from "vitest";
import { demoFunnel } from "./demo-funnel.js";

const now = new Date("2026-11-01T00:00:00Z");
const leads = (seed: number) => [...demoFunnel({ leads: 400, seed, now })];

describe("demoFunnel", () => {
	it("is the same for the same seed and different for another", () => {
		expect(leads(3)).toEqual(leads(3));
		expect(leads(3)).not.toEqual(leads(4));
	});

	it("lets the hidden propensity drive who buys, with noise", () => {
		const all = leads(1);
		const buyers = all.filter((l) => l.converts);
		const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
		expect(buyers.length).toBeGreaterThan(10);
		expect(buyers.length).toBeLessThan(all.length / 2);
		expect(mean(buyers.map((l) => l.propensity))).toBeGreaterThan(mean(all.map((l) => l.propensity)));
		expect(buyers.some((l) => l.persona === "quiet-buyer")).toBe(true);
		expect(all.some((l) => l.persona === "anonymous-visitor" && !l.messages.some((m) => m.type === "identify"))).toBe(
			true,
		);
	});

	it("has late-night and mobile sessions and no events after the end date", () => {
		const messages = leads(2).flatMap((l) => l.messages);
		expect(messages.every((m) => new Date(String(m.timestamp)) <= now)).toBe(true);
		const agents = messages.map((m) => String((m.context as { userAgent?: string }).userAgent));
		expect(agents.some((ua) => ua.includes("iPhone"))).toBe(true);
		const lateNight = messages.filter((m) => {
			const tz = String((m.context as { timezone?: string }).timezone);
			const hour = Number(
				new Intl.DateTimeFormat("en-US", { timeZone: tz, hour: "numeric", hourCycle: "h23" }).format(
					new Date(String(m.timestamp)),
				),
			);
			return hour < 4;
		});
		expect(lateNight.length).toBeGreaterThan(0);
	});
});
