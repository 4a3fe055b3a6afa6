import { offsetMs } from "../local-time.js";
import type { NormalizedEvent } from "../normalize-message.js";
import { isTimeZone } from "../traits.js";

/** What scoring reads of an event: the stored row's fields, time in epoch milliseconds. */
export interface ScorableEvent {
	messageId: string;
	type: string;
	event: string | null;
	name: string | null;
	properties: Record<string, unknown>;
	context: Record<string, unknown>;
	deviceClass: string | null;
	pagePath: string | null;
	timestamp: number;
	/** the sender's time zone (context.timezone); local-time conditions fall back to UTC */
	timezone: string | null;
}

/** The zone an event's local time is read in: its context's, when that is a real zone. */
export function timezoneOf(context: Record<string, unknown>): string | null {
	return isTimeZone(context.timezone) ? context.timezone : null;
}

/** An event as ingest accepted it, in the shape scoring reads (the same as a stored row gives). */
export function scorableOfNormalized(e: NormalizedEvent): ScorableEvent {
	return {
		messageId: e.messageId,
		type: e.type,
		event: e.event,
		name: e.name,
		properties: e.properties,
		context: e.context,
		deviceClass: e.deviceClass,
		pagePath: e.pagePath,
		timestamp: e.timestamp.getTime(),
		timezone: timezoneOf(e.context),
	};
}

/** What fit rules and disqualifiers read of a lead, and the zone its events' local time falls back to. */
export interface ScorableProfile {
	email: string | null;
	timezone: string | null;
	traits: Record<string, unknown>;
	consent: string;
	stage: string;
	/** the predictive score's chance of reaching SQL, 0..1; null until a model has scored the lead */
	predictedChance?: number | null;
}

export type Getter<S> = (subject: S) => unknown;

function objectAt(value: unknown): Record<string, unknown> | undefined {
	return typeof value === "object" && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}

/** A getter for a dotted path inside an object. */
export function pathGetter(path: readonly string[]): (root: unknown) => unknown {
	if (path.length === 1) {
		const [key] = path as [string];
		return (root) => objectAt(root)?.[key];
	}
	return (root) => {
		let value = root;
		for (const key of path) {
			value = objectAt(value)?.[key];
			if (value === undefined) return undefined;
		}
		return value;
	};
}

const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const HOUR = 3_600_000;
const offsets = new Map<string, number>();

/** Wall-clock time in the event's zone; offsets are cached per zone and UTC hour. */
function localTime(event: ScorableEvent): Date {
	if (!event.timezone) return new Date(event.timestamp);
	const key = `${event.timezone}|${Math.floor(event.timestamp / HOUR)}`;
	let offset = offsets.get(key);
	if (offset === undefined) {
		if (offsets.size > 50_000) offsets.clear();
		offset = offsetMs(new Date(event.timestamp), event.timezone);
		offsets.set(key, offset);
	}
	return new Date(event.timestamp + offset);
}

export const EVENT_FIELDS = ["event", "type", "name", "path", "url", "referrer", "device", "localHour", "weekday"];
export const EVENT_FIELD_PREFIXES = ["properties.", "context.", "campaign."];

/** The getter for an event field, or null when the field is not one an event has. */
export function eventField(field: string): Getter<ScorableEvent> | null {
	const page = pathGetter(["page"]);
	switch (field) {
		case "event":
			return (e) => e.event;
		case "type":
			return (e) => e.type;
		case "name":
			return (e) => e.name;
		case "path":
			return (e) => e.pagePath; // ingest derives it from properties.path or url, or context.page
		case "url":
			return (e) => objectAt(page(e.context))?.url ?? e.properties.url;
		case "referrer":
			return (e) => objectAt(page(e.context))?.referrer ?? e.properties.referrer;
		case "device":
			return (e) => e.deviceClass;
		case "localHour":
			return (e) => localTime(e).getUTCHours();
		case "weekday":
			return (e) => WEEKDAYS[localTime(e).getUTCDay()];
	}
	const [prefix, ...rest] = field.split(".");
	if (rest.length === 0 || rest.some((k) => k === "")) return null;
	if (prefix === "properties") {
		const get = pathGetter(rest);
		return (e) => get(e.properties);
	}
	if (prefix === "context") {
		const get = pathGetter(rest);
		return (e) => get(e.context);
	}
	if (prefix === "campaign") {
		const get = pathGetter(["campaign", ...rest]);
		return (e) => get(e.context);
	}
	return null;
}

/** The getter for a lead field: identity and consent fields, else a (dotted) trait. */
export function profileField(field: string): Getter<ScorableProfile> | null {
	switch (field) {
		case "email":
			return (p) => p.email;
		case "emailDomain":
			return (p) => p.email?.slice(p.email.lastIndexOf("@") + 1) ?? null;
		case "consent":
			return (p) => p.consent;
		case "stage":
			return (p) => p.stage;
		case "predictedChance":
			return (p) => p.predictedChance ?? null;
	}
	const path = field.split(".");
	if (path.some((k) => k === "")) return null;
	const get = pathGetter(path);
	return (p) => get(p.traits);
}
