export type ConsentStatus = "subscribed" | "unsubscribed" | "bounced";

const STRICTNESS: Record<ConsentStatus, number> = { subscribed: 0, unsubscribed: 1, bounced: 2 };

/** The stricter of two consents: what a merge keeps, so that no one is emailed by accident. */
export function stricterConsent(a: ConsentStatus, b: ConsentStatus): ConsentStatus {
	return STRICTNESS[b] > STRICTNESS[a] ? b : a;
}

// A Map, not an object: an event named "constructor" must not find Object's.
const EVENT_CONSENT = new Map<string, ConsentStatus>([
	["unsubscribed", "unsubscribed"],
	["email unsubscribed", "unsubscribed"],
	["email bounced", "bounced"],
	["email marked as spam", "unsubscribed"],
]);

/** The consent a tracked event sets, if any (Segment's spec names for email events). */
export function consentFromEvent(eventName: string | null): ConsentStatus | null {
	return eventName ? (EVENT_CONSENT.get(eventName.trim().toLowerCase()) ?? null) : null;
}
