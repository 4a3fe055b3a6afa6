import type { SegmentMessage } from "../schemas/segment.js";
import { type DeviceClass, deviceClass } from "./device-class.js";
import type { FieldProblem } from "./errors.js";
import { isTimeZone, normalizeEmail, normalizeTraits, type Traits } from "./traits.js";

export type IdentityKind = "email" | "user" | "anonymous";
export interface Identity {
	kind: IdentityKind;
	value: string;
}

/** An accepted message, ready to resolve to a lead and store. */
export interface NormalizedEvent {
	messageId: string;
	type: SegmentMessage["type"];
	event: string | null;
	name: string | null;
	anonymousId: string | null;
	userId: string | null;
	email: string | null;
	/** alias: the id being linked to userId */
	previousId: string | null;
	properties: Record<string, unknown>;
	traits: Traits;
	context: Record<string, unknown>;
	deviceClass: DeviceClass | null;
	pagePath: string | null;
	timezone: string | null;
	timestamp: Date;
	sentAt: Date | null;
	receivedAt: Date;
}

function objectAt(value: unknown): Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function pathOf(url: unknown): string | null {
	if (typeof url !== "string") return null;
	try {
		return new URL(url, "http://x").pathname;
	} catch {
		return null;
	}
}

/**
 * Event time corrected for the sender's clock, as Segment does: the gap between the
 * sender's `sentAt` and our receipt is added to its `timestamp`. Times in the future are
 * clamped to the receive time.
 */
export function correctedTimestamp(timestamp: Date | null, sentAt: Date | null, receivedAt: Date): Date {
	let time = timestamp ?? receivedAt;
	if (timestamp && sentAt) time = new Date(receivedAt.getTime() - (sentAt.getTime() - timestamp.getTime()));
	return time.getTime() > receivedAt.getTime() ? receivedAt : time;
}

/** The trait that keeps an email that is not an address, as it was given. */
export const RAW_EMAIL_TRAIT = "emailAsGiven";

/** The oldest event time accepted unless configured otherwise. */
export const DEFAULT_OLDEST_EVENT = new Date("2000-01-01T00:00:00Z");

/**
 * Turns a validated message into the stored shape. A value that cannot be used (an email
 * that is not an address) is a warning, not a reason to lose the event; a time outside
 * [oldest, receivedAt] that cannot be corrected is a problem naming the field.
 */
export function normalizeMessage(
	message: SegmentMessage,
	receivedAt: Date,
	newMessageId: () => string,
	oldest: Date = DEFAULT_OLDEST_EVENT,
): { event: NormalizedEvent; warnings: FieldProblem[] } | { problems: FieldProblem[] } {
	const context = objectAt(message.context);
	const rawTraits = message.type === "identify" ? objectAt(message.traits) : objectAt(context.traits);
	const warnings: FieldProblem[] = [];
	let email: string | null = null;
	const emailGiven = Object.hasOwn(rawTraits, "email") ? rawTraits.email : undefined;
	const given = emailGiven === null || emailGiven === "" ? undefined : emailGiven;
	if (given !== undefined) {
		email = normalizeEmail(given);
		const field = message.type === "identify" ? "traits.email" : "context.traits.email";
		if (!email) {
			const kept = message.type === "identify" ? `; kept as the trait ${RAW_EMAIL_TRAIT}` : "";
			const shown = typeof given === "string" ? given.slice(0, 80) : JSON.stringify(given)?.slice(0, 80);
			warnings.push({ field, message: `"${shown}" is not an email address, so it does not identify the lead${kept}` });
		}
	}
	const timezone = [rawTraits.timezone, context.timezone].find(isTimeZone) ?? null;
	const sentAt = message.sentAt ? new Date(message.sentAt) : null;
	const stamp = message.timestamp ?? message.originalTimestamp;
	const timestamp = correctedTimestamp(stamp ? new Date(stamp) : null, sentAt, receivedAt);
	if (!(timestamp.getTime() >= oldest.getTime())) {
		const field = message.timestamp ? "timestamp" : message.originalTimestamp ? "originalTimestamp" : "sentAt";
		const when = Number.isNaN(timestamp.getTime()) ? "out of range" : timestamp.toISOString();
		return {
			problems: [
				{
					field,
					message: `the event's time (${when}, corrected by sentAt) is before ${oldest.toISOString()}, the oldest accepted`,
				},
			],
		};
	}

	const properties = "properties" in message ? objectAt(message.properties) : {};
	const page = objectAt(context.page);
	const traits =
		message.type === "identify" ? normalizeTraits(rawTraits) : message.type === "group" ? objectAt(message.traits) : {};
	if (given !== undefined && message.type === "identify" && !email) traits[RAW_EMAIL_TRAIT] = given;
	return {
		warnings,
		event: {
			messageId: message.messageId ?? newMessageId(),
			type: message.type,
			event: message.type === "track" ? message.event : null,
			name: "name" in message ? (message.name ?? null) : message.type === "group" ? message.groupId : null,
			anonymousId: message.anonymousId ?? null,
			userId: message.userId ?? null,
			email,
			previousId: message.type === "alias" ? message.previousId : null,
			properties,
			traits,
			context,
			deviceClass: deviceClass(objectAt(context).userAgent),
			pagePath: pathOf(properties.path) ?? pathOf(properties.url) ?? pathOf(page.path) ?? pathOf(page.url),
			timezone,
			timestamp,
			sentAt,
			receivedAt,
		},
	};
}

/** The identities an event names, strongest first. */
export function identitiesOf(event: NormalizedEvent): Identity[] {
	const ids: Identity[] = [];
	if (event.userId) ids.push({ kind: "user", value: event.userId });
	if (event.email) ids.push({ kind: "email", value: event.email });
	if (event.anonymousId) ids.push({ kind: "anonymous", value: event.anonymousId });
	if (event.previousId) {
		// alias: previousId is a former anonymous id or user id; we cannot tell which, so look up both.
		ids.push({ kind: "user", value: event.previousId }, { kind: "anonymous", value: event.previousId });
	}
	return ids;
}
