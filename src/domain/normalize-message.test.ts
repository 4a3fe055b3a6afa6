import { describe, expect, it } from "vitest";
import { SegmentMessage } from "../schemas/segment.js";
import { deviceClass } from "./device-class.js";
import { correctedTimestamp, normalizeMessage, RAW_EMAIL_TRAIT } from "./normalize-message.js";

const received = new Date("2026-11-22T12:00:00Z");

describe("correctedTimestamp", () => {
	it("shifts by the sender's clock error", () => {
		const sent = new Date("2026-11-22T13:00:00Z"); // an hour fast
		const stamp = new Date("2026-11-22T12:59:00Z");
		expect(correctedTimestamp(stamp, sent, received).toISOString()).toBe("2026-11-22T11:59:00.000Z");
	});
	it("clamps the future and defaults to the receive time", () => {
		expect(correctedTimestamp(new Date("2030-01-01T00:00:00Z"), null, received)).toEqual(received);
		expect(correctedTimestamp(null, null, received)).toEqual(received);
	});
});

describe("normalizeMessage", () => {
	const normalize = (raw: unknown) => normalizeMessage(SegmentMessage.parse(raw), received, () => "generated");
	it("maps Segment traits, lower-cases email and reads page path and device", () => {
		const result = normalize({
			type: "identify",
			userId: 42,
			traits: {
				email: " Ada@Acme.IO ",
				first_name: "Ada",
				company: { name: "Acme", employee_count: 50 },
				address: { city: "Paris" },
			},
			context: {
				userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile",
				timezone: "Europe/Paris",
				page: { url: "https://acme.io/pricing?x=1" },
			},
		});
		if (!("event" in result)) throw new Error("rejected");
		expect(result.event).toMatchObject({
			messageId: "generated",
			userId: "42",
			email: "ada@acme.io",
			traits: { firstName: "Ada", company: "Acme", companySize: 50, city: "Paris" },
			deviceClass: "mobile",
			pagePath: "/pricing",
			timezone: "Europe/Paris",
		});
	});
	it("keeps an event whose email is not an address, warns, and keeps the value as a raw trait", () => {
		const track = normalize({ type: "track", event: "X", anonymousId: "a", context: { traits: { email: "nope" } } });
		expect("event" in track && track.event.email).toBe(null);
		expect("warnings" in track && track.warnings).toEqual([
			{ field: "context.traits.email", message: expect.stringContaining('"nope" is not an email address') },
		]);
		const identify = normalize({ type: "identify", userId: "u", traits: { email: "jane@gmail", title: "CTO" } });
		expect("event" in identify && identify.event.traits).toEqual({ title: "CTO", [RAW_EMAIL_TRAIT]: "jane@gmail" });
		expect("warnings" in identify && identify.warnings[0]?.field).toBe("traits.email");
	});
	it("takes the address out of a display name or mailto: link", () => {
		for (const given of ["Jane <Jane@Acme.io>", "mailto:jane@acme.io", " jane@ACME.io "]) {
			const result = normalize({ type: "identify", userId: "u", traits: { email: given } });
			expect("event" in result && result.event.email).toBe("jane@acme.io");
		}
		for (const given of ["jane@gmail", "jane", "@acme.io", "jane@acme.io>", "a b@c.io", "jane@acme.1"]) {
			const result = normalize({ type: "identify", userId: "u", traits: { email: given } });
			expect("event" in result && result.event.email).toBe(null);
		}
	});
	it("refuses times before the oldest accepted, years 0 to 99 included", () => {
		for (const timestamp of ["0099-06-01T00:00:00Z", "0001-01-01T00:00:00Z", "1999-12-31T23:59:59Z"]) {
			const result = normalize({ type: "page", anonymousId: "a", timestamp });
			expect("problems" in result && result.problems[0]?.field).toBe("timestamp");
		}
		const skewed = normalize({
			type: "page",
			anonymousId: "a",
			timestamp: "2026-01-01T00:00:00Z",
			sentAt: "9999-01-01T00:00:00Z",
		});
		expect("problems" in skewed && skewed.problems[0]?.field).toBe("timestamp");
	});
	it("ignores an unknown time zone", () => {
		const result = normalize({ type: "page", anonymousId: "a", context: { timezone: "Mars/Olympus" } });
		expect("event" in result && result.event.timezone).toBe(null);
	});
});

describe("deviceClass", () => {
	it.each([
		["Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X)", "tablet"],
		["Mozilla/5.0 (Linux; Android 14; SM-X200) AppleWebKit Safari", "tablet"],
		["Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari", "mobile"],
		["Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/128", "desktop"],
		["Googlebot/2.1 (+http://www.google.com/bot.html)", "bot"],
		["", null],
	])("%s → %s", (ua, expected) => expect(deviceClass(ua)).toBe(expected));
});
