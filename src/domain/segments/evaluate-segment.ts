/**
 * A segment's condition checked on one lead in memory, with exactly the meaning its SQL has
 * (segment-sql.ts): every test is true or false, never unknown; a missing value fails every
 * comparison (so `!=` and `not in` hold only for leads that have the field); a number compares
 * with a number, text with text, a boolean with a boolean; text orders by code unit (SQL: the C
 * collation); `^=` starts with and `*=` contains, case-sensitive.
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

function eventValue(e: SegmentEvent, on: string): unknown {
	if (on === "path") return e.pagePath;
	if (on === "name") return e.name;
	return e.properties[on.slice("properties.".length)];
}

function countOf(events: readonly SegmentEvent[], filter: EventFilter, since: number | null): number {
	let n = 0;
	for (const e of events) {
		if (e.type !== filter.type) continue;
		if (filter.event !== undefined && e.event !== filter.event) continue;
		if (since !== null && e.timestamp < since) continue;
		if (filter.where.every((t) => passes(eventValue(e, t.on), t))) n++;
	}
	return n;
}

function sinceOf(lead: SegmentLead, since: Since): number | null {
	return since === "stage_changed" ? lead.stageChangedAt : since === "first_seen" ? lead.firstSeenAt : lead.lastSeenAt;
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
		const since = c.withinDays === undefined ? null : now - c.withinDays * DAY;
		return ordered(countOf(events, c.count, since), c.op, c.value);
	}
	if ("daysSince" in c) {
		const from = sinceOf(lead, c.daysSince);
		// in milliseconds, as the SQL compares, so both agree at the boundary
		return from !== null && ordered(now - from, c.op, c.value * DAY);
	}
	return passes(subjectValue(lead, c), c as Test);
}
