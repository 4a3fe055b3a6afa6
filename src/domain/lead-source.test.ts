import { describe, expect, it } from "vitest";
import { firstTouch, sourceOf } from "./lead-source.js";

describe("a lead's source", () => {
	it("is the campaign source, else another site's host, else none", () => {
		expect(sourceOf({ campaign: { source: " LinkedIn " }, page: { referrer: "https://g2.com/x" } })).toBe("linkedin");
		expect(sourceOf({ page: { referrer: "https://www.G2.com/products/x", url: "https://qualify.dev/" } })).toBe(
			"g2.com",
		);
		expect(sourceOf({ page: { referrer: "https://qualify.dev/blog", url: "https://qualify.dev/pricing" } })).toBeNull();
		expect(sourceOf({ page: { referrer: "not a url" } })).toBeNull();
		expect(sourceOf({ campaign: { source: "" } })).toBeNull();
		expect(sourceOf({})).toBeNull();
	});
	it("keeps the earlier first touch, and a touch with a source over one without", () => {
		type Touch = { source: string | null; sourceAt: Date | null };
		const early: Touch = { source: "google", sourceAt: new Date("2026-01-01") };
		const late: Touch = { source: "twitter", sourceAt: new Date("2026-02-01") };
		const none: Touch = { source: null, sourceAt: null };
		expect(firstTouch(late, early)).toBe(early);
		expect(firstTouch(early, late)).toBe(early);
		expect(firstTouch(none, late)).toBe(late);
		expect(firstTouch(late, none)).toBe(late);
	});
});
