import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	CONFIRMATION_REQUESTED,
	type ConsentStatus,
	consentAfter,
	consentFromEvent,
	EMAIL_CONFIRMED,
	stricterConsent,
} from "./consent.js";

const STATUSES: ConsentStatus[] = ["subscribed", "pending", "unsubscribed", "bounced"];

describe("consent", () => {
	it("reads the double opt-in events, whatever their case", () => {
		expect(consentFromEvent(CONFIRMATION_REQUESTED)).toBe("pending");
		expect(consentFromEvent("email confirmed")).toBe("subscribed");
		expect(consentFromEvent(EMAIL_CONFIRMED.toUpperCase())).toBe("subscribed");
		expect(consentFromEvent("constructor")).toBeNull();
	});

	it("lets a request to confirm set only a consent no one has spoken for", () => {
		expect(consentAfter({ status: "subscribed", source: null }, "pending")).toBe("pending");
		expect(consentAfter({ status: "unsubscribed", source: "Email Unsubscribed" }, "pending")).toBe("unsubscribed");
		expect(consentAfter({ status: "subscribed", source: "Email Confirmed" }, "pending")).toBe("subscribed");
		// the owner's own word always counts
		expect(consentAfter({ status: "unsubscribed", source: "Email Unsubscribed" }, "subscribed")).toBe("subscribed");
	});

	it("keeps a merge on the safe side: pending is stricter than subscribed, looser than unsubscribed", () => {
		expect(stricterConsent("subscribed", "pending")).toBe("pending");
		expect(stricterConsent("pending", "unsubscribed")).toBe("unsubscribed");
		fc.assert(
			fc.property(fc.constantFrom(...STATUSES), fc.constantFrom(...STATUSES), (a, b) => {
				expect(stricterConsent(a, b)).toBe(stricterConsent(b, a));
				expect([a, b]).toContain(stricterConsent(a, b));
			}),
		);
	});
});
