/**
 * A segment's condition checked on one lead in memory, with exactly the meaning its SQL has
 * (segment-sql.ts): every test is true or false, never unknown; a missing value fails every
 * comparison (so `!=` and `not in` hold only for leads that have the field); a number compares
 * with a number, text with text, a boolean with a boolean; text orders by code unit (SQL: the C
 * collation); `^=` starts with and `*=` contains, case-sensitive. A sales touch counts as an
 * event of type "touch" named by its kind, with the properties `outcome` and `note`.
 */

import type {
	CountOp,
	EventFilter,
	LeadField,
	Scalar,
	SegmentCondition,
	Since,
	Subject,
	Test,
} from "../../schemas/segments.js";
import { offsetMs } from "../local-time.js";

export interface SegmentLead {
	stage: string;
	consent: string;
	email: string | null;
	traits: Record<string, unknown>;
	fit: number | null;
	engagement: number | null;
	grade: string | null;
	temperature: string | null;
	predictedChance: number | null;
	/** the owner and team of the lead's latest handoff, by name */
	owner: string | null;
	team: string | null;
	/** the lead's company, when it has one */
	account: { name: string | null; domain: string | null; fit: number; engagement: number; qualified: boolean } | null;
	/** the lead's IANA time zone, when known (local_hour and local_weekday read it; UTC otherwise) */
	timezone: string | null;
	/** the names of the segments and lists the lead is in, lower-cased */
	segments: ReadonlySet<string>;
	stageChangedAt: number | null;
	firstSeenAt: number;
	lastSeenAt: number;
}

export interface SegmentEvent {
	type: string;
	event: string | null;
	name: string | null;
	pagePath: string | null;
	properties: Record<string, unknown>;
	timestamp: number;
}

const DAY = 86_400_000;
type DaysSince = Since | { first: EventFilter } | { last: EventFilter };

function leadField(lead: SegmentLead, field: LeadField): unknown {
	switch (field) {
		case "stage":
			return lead.stage;
		case "consent":
			return lead.consent;
		case "email":
			return lead.email;
		case "email_domain":
			return lead.email === null ? null : lead.email.slice(lead.email.lastIndexOf("@") + 1);
		case "fit":
			return lead.fit;
		case "engagement":
			return lead.engagement;
		case "grade":
			return lead.grade;
		case "temperature":
			return lead.temperature;
		case "predicted_chance":
			return lead.predictedChance;
		case "owner":
			return lead.owner;
		case "team":
			return lead.team;
		case "account":
			return lead.account?.name ?? null;
		case "account_domain":
			return lead.account?.domain ?? null;
		case "account_fit":
			return lead.account?.fit ?? null;
		case "account_engagement":
			return lead.account?.engagement ?? null;
		case "account_qualified":
			return lead.account ? lead.account.qualified : null;
	}
}

/** A JSON value as text the way PostgreSQL's ->> gives it, for strings, numbers and booleans only. */
function textOf(v: unknown): string | null {
	if (typeof v === "string") return v;
	if (typeof v === "number" && Number.isFinite(v)) return String(v);
	if (typeof v === "boolean") return String(v);
	return null;
}

const ordered = (a: number | string, op: CountOp, b: number | string) => {
	switch (op) {
		case "=":
			return a === b;
		case "!=":
			return a !== b;
		case "<":
			return a < b;
		case "<=":
			return a <= b;
		case ">":
			return a > b;
		case ">=":
			return a >= b;
	}
};

function compareOne(
	v: unknown,
	op: Exclude<Test["op"], "in" | "not in" | "exists" | "missing">,
	want: Scalar,
): boolean {
	if (typeof want === "number") {
		if (typeof v !== "number" || !Number.isFinite(v)) return false;
		return op === "^=" || op === "*=" ? false : ordered(v, op, want);
	}
	if (typeof want === "boolean") {
		if (typeof v !== "boolean") return false;
		return op === "=" ? v === want : op === "!=" ? v !== want : false;
	}
	const text = textOf(v);
	if (text === null) return false;
	if (op === "^=") return text.startsWith(want);
	if (op === "*=") return text.includes(want);
	return ordered(text, op, want);
}

export function passes(v: unknown, test: Test): boolean {
	const present = v !== null && v !== undefined;
	switch (test.op) {
		case "exists":
			return present;
		case "missing":
			return !present;
		case "in":
			return present && test.value.some((want) => compareOne(v, "=", want));
		case "not in":
			return present && textOf(v) !== null && !test.value.some((want) => compareOne(v, "=", want));
		default:
			return present && compareOne(v, test.op, test.value as Scalar);
	}
}

const subjectValue = (lead: SegmentLead, s: Subject) =>
	s.field !== undefined ? leadField(lead, s.field) : lead.traits[s.trait];

/** The hour (0–23) and ISO weekday (1 Monday … 7 Sunday) of an instant on a zone's wall clock. */
function localClock(at: number, timezone: string | null): { hour: number; weekday: number } {
	const wall = new Date(at + (timezone ? offsetMs(new Date(at), timezone) : 0));
	return { hour: wall.getUTCHours(), weekday: ((wall.getUTCDay() + 6) % 7) + 1 };
}

function eventValue(e: SegmentEvent, on: string, timezone: string | null): unknown {
	if (on === "path") return e.pagePath;
	if (on === "name") return e.name;
	if (on === "local_hour") return localClock(e.timestamp, timezone).hour;
	if (on === "local_weekday") return localClock(e.timestamp, timezone).weekday;
	return e.properties[on.slice("properties.".length)];
}

/** The lead's events that pass a filter, inside [from, to) when given. */
function* matching(
	events: readonly SegmentEvent[],
	filter: EventFilter,
	timezone: string | null,
	from: number | null,
	to: number | null,
): Generator<SegmentEvent> {
	for (const e of events) {
		if (e.type !== filter.type) continue;
		if (filter.event !== undefined && e.event !== filter.event) continue;
		if (from !== null && e.timestamp < from) continue;
		if (to !== null && e.timestamp >= to) continue;
		if (filter.where.every((t) => passes(eventValue(e, t.on, timezone), t))) yield e;
	}
}

function sinceOf(lead: SegmentLead, events: readonly SegmentEvent[], since: DaysSince): number | null {
	if (since === "stage_changed") return lead.stageChangedAt;
	if (since === "first_seen") return lead.firstSeenAt;
	if (since === "last_seen") return lead.lastSeenAt;
	let found: number | null = null;
	const first = "first" in since;
	for (const e of matching(events, first ? since.first : since.last, lead.timezone, null, null))
		if (found === null || (first ? e.timestamp < found : e.timestamp > found)) found = e.timestamp;
	return found;
}

/** Whether a lead (with its events) is in a segment at `now` (epoch ms). */
export function matchesSegment(
	c: SegmentCondition,
	lead: SegmentLead,
	events: readonly SegmentEvent[],
	now: number,
): boolean {
	if ("all" in c) return c.all.every((x) => matchesSegment(x, lead, events, now));
	if ("any" in c) return c.any.some((x) => matchesSegment(x, lead, events, now));
	if ("not" in c) return !matchesSegment(c.not, lead, events, now);
	if ("count" in c) {
		const from =
			c.withinDays !== undefined ? now - c.withinDays * DAY : c.from !== undefined ? Date.parse(c.from) : null;
		const to = c.to !== undefined ? Date.parse(c.to) : null;
		let n = 0;
		for (const _ of matching(events, c.count, lead.timezone, from, to)) n++;
		return ordered(n, c.op, c.value);
	}
	if ("inSegment" in c) return lead.segments.has(c.inSegment.toLowerCase());
	if ("daysSince" in c) {
		const from = sinceOf(lead, events, c.daysSince);
		// in milliseconds, as the SQL compares, so both agree at the boundary
		return from !== null && ordered(now - from, c.op, c.value * DAY);
	}
	return passes(subjectValue(lead, c), c as Test);
}
