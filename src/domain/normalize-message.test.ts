import { describe, expect, it } from "vitest";
import { SegmentMessage } from "../schemas/segment.js";
import { deviceClass } from "./device-class.js";
import { correctedTimestamp, normalizeMessage } from "./normalize-message.js";

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
	it("names the field of a bad email", () => {
		expect(normalize({ type: "track", event: "X", anonymousId: "a", context: { traits: { email: "nope" } } })).toEqual({
			problems: [{ field: "context.traits.email", message: '"nope" is not an email address' }],
		});
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
