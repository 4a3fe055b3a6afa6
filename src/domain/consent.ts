export type ConsentStatus = "subscribed" | "pending" | "unsubscribed" | "bounced";

const STRICTNESS: Record<ConsentStatus, number> = { subscribed: 0, pending: 1, unsubscribed: 2, bounced: 3 };

/** The stricter of two consents: what a merge keeps, so that no one is emailed by accident. */
export function stricterConsent(a: ConsentStatus, b: ConsentStatus): ConsentStatus {
	return STRICTNESS[b] > STRICTNESS[a] ? b : a;
}

/** The event a double opt-in form records: the address waits ('pending') for its owner's click. */
export const CONFIRMATION_REQUESTED = "Email Confirmation Requested";
/** The click on a double opt-in link: the address is subscribed, by its owner's own hand. */
export const EMAIL_CONFIRMED = "Email Confirmed";

// A Map, not an object: an event named "constructor" must not find Object's.
const EVENT_CONSENT = new Map<string, ConsentStatus>([
	["unsubscribed", "unsubscribed"],
	["email unsubscribed", "unsubscribed"],
	["email bounced", "bounced"],
	["email marked as spam", "unsubscribed"],
	[CONFIRMATION_REQUESTED.toLowerCase(), "pending"],
	[EMAIL_CONFIRMED.toLowerCase(), "subscribed"],
]);

/**
 * The consent a tracked event sets, if any (Segment's spec names for email events). A 'pending'
 * only takes where no one has said anything yet (see `consentAfter`).
 */
export function consentFromEvent(eventName: string | null): ConsentStatus | null {
	return eventName ? (EVENT_CONSENT.get(eventName.trim().toLowerCase()) ?? null) : null;
}

/**
 * A lead's consent after an event sets `next`: the latest word wins, except that a request to
 * confirm never overrides a consent someone gave or withdrew (a source is recorded for those).
 * Ingest's upsert spells the same rule in SQL.
 */
export function consentAfter(
	current: { status: ConsentStatus; source: string | null },
	next: ConsentStatus,
): ConsentStatus {
	return next === "pending" && current.source !== null ? current.status : next;
}
