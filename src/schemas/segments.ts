import { z } from "@hono/zod-openapi";
import { isTimeZone } from "../domain/traits.js";
import { LeadFilters } from "./leads.js";

/** Fields of the lead itself (anything else named in a segment is a trait). */
export const LEAD_FIELDS = [
	"stage",
	"consent",
	"email",
	"email_domain",
	"fit",
	"engagement",
	"grade",
	"temperature",
	"predicted_chance",
	/** the name of the owner of the lead's latest handoff, and its team */
	"owner",
	"team",
	/** the lead's company (see accounts): its name, domain, fit, engagement, and whether it is an MQA */
	"account",
	"account_domain",
	"account_fit",
	"account_engagement",
	"account_qualified",
] as const;
export type LeadField = (typeof LEAD_FIELDS)[number];

/** Moments a lead's age is counted from, in days. */
export const SINCE = ["stage_changed", "first_seen", "last_seen"] as const;
export type Since = (typeof SINCE)[number];

export const COMPARE_OPS = ["=", "!=", "<", "<=", ">", ">=", "^=", "*="] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

const Scalar = z.union([z.string().max(500), z.number().finite(), z.boolean()]);
export type Scalar = z.infer<typeof Scalar>;

export const TEST_OPS = [...COMPARE_OPS, "in", "not in", "exists", "missing"] as const;
export type TestOp = (typeof TEST_OPS)[number];

/** A test's value must suit its operator: a list for in, none for exists, one value otherwise. */
export type Test =
	| { op: CompareOp; value: Scalar }
	| { op: "in" | "not in"; value: Scalar[] }
	| { op: "exists" | "missing"; value?: undefined };

const testShape = {
	op: z.enum(TEST_OPS),
	value: z.union([Scalar, z.array(Scalar).min(1).max(1000)]).optional(),
};
function checkTest(t: { op: TestOp; value?: unknown }, ctx: z.RefinementCtx) {
	const list = Array.isArray(t.value);
	if (t.op === "exists" || t.op === "missing") {
		if (t.value !== undefined) ctx.addIssue({ code: "custom", path: ["value"], message: `${t.op} takes no value` });
	} else if (t.op === "in" || t.op === "not in") {
		if (!list) ctx.addIssue({ code: "custom", path: ["value"], message: `${t.op} takes a list of values` });
	} else if (list || t.value === undefined)
		ctx.addIssue({ code: "custom", path: ["value"], message: `${t.op} takes one value` });
}

/** What is compared: a field of the lead, or a trait (custom ones too). */
export type Subject = { field: LeadField; trait?: undefined } | { trait: string; field?: undefined };

/**
 * A test on an event inside a behaviour condition: its path, its name, a property, or the hour
 * (0–23) or weekday (1 Monday … 7 Sunday) it happened at in the lead's own time zone (UTC when
 * the lead's zone is not known).
 */
export type EventField = "path" | "name" | "local_hour" | "local_weekday" | `properties.${string}`;
export const EVENT_FIELD_PATTERN = /^(path|name|local_hour|local_weekday|properties\.[A-Za-z0-9_$-]{1,100})$/;
const EventField = z
	.string()
	.regex(EVENT_FIELD_PATTERN, "path, name, local_hour, local_weekday or properties.<key>")
	.transform((f) => f as EventField);
export type EventTest = { on: EventField } & Test;
const EventTest = z
	.object({ on: EventField, ...testShape })
	.strict()
	.superRefine(checkTest)
	.transform((t) => t as EventTest);

/** What a behaviour condition counts: page views, track events, or sales touches (calls, e-mails, meetings, notes). */
export const EVENT_TYPES = ["page", "track", "touch"] as const;
export const TOUCH_KINDS = ["call", "email", "meeting", "note"] as const;
export const EventFilter = z
	.object({
		type: z.enum(EVENT_TYPES),
		/** a track event's name, or a touch's kind */
		event: z.string().min(1).max(200).optional(),
		where: z.array(EventTest).max(10).default([]),
	})
	.strict()
	.refine((f) => f.type !== "page" || f.event === undefined, {
		message: "a page view has no event name; test its path",
		path: ["event"],
	})
	.refine((f) => f.type !== "touch" || f.event === undefined || (TOUCH_KINDS as readonly string[]).includes(f.event), {
		message: `a touch is one of ${TOUCH_KINDS.join(", ")}`,
		path: ["event"],
	});
export type EventFilter = { type: (typeof EVENT_TYPES)[number]; event?: string; where: EventTest[] };

/** An absolute moment in a window: an ISO date (midnight UTC) or date and time, stored as UTC. */
const Moment = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/, "an ISO date such as 2026-01-31")
	.refine((m) => !Number.isNaN(Date.parse(m)), "not a real date");

export type SegmentCondition =
	| { all: SegmentCondition[] }
	| { any: SegmentCondition[] }
	| { not: SegmentCondition }
	| (Subject & Test)
	| {
			count: EventFilter;
			/** only events in the last N days; all time when absent (and no from or to) */
			withinDays?: number;
			/** only events at or after this moment (ISO) */
			from?: string;
			/** only events before this moment (ISO) */
			to?: string;
			op: CountOp;
			value: number;
	  }
	| { daysSince: Since | { first: EventFilter } | { last: EventFilter }; op: CountOp; value: number }
	/** a member of another segment or list, by its name */
	| { inSegment: string };

export const COUNT_OPS = ["=", "!=", "<", "<=", ">", ">="] as const;
export type CountOp = (typeof COUNT_OPS)[number];

const LeadTest = z
	.object({ field: z.enum(LEAD_FIELDS).optional(), trait: z.string().min(1).max(200).optional(), ...testShape })
	.strict()
	.superRefine((t, ctx) => {
		if ((t.field === undefined) === (t.trait === undefined))
			ctx.addIssue({ code: "custom", path: ["field"], message: "name a field or a trait, not both" });
		checkTest(t, ctx);
	});
const Count = z
	.object({
		count: EventFilter,
		withinDays: z.number().int().min(1).max(3650).optional(),
		from: Moment.optional(),
		to: Moment.optional(),
		op: z.enum(COUNT_OPS),
		value: z.number().int().min(0).max(1_000_000),
	})
	.strict()
	.refine((c) => c.withinDays === undefined || (c.from === undefined && c.to === undefined), {
		message: "a window is the last N days or from and to dates, not both",
		path: ["withinDays"],
	})
	.refine((c) => c.from === undefined || c.to === undefined || Date.parse(c.from) < Date.parse(c.to), {
		message: "from must be before to",
		path: ["to"],
	});
const DaysSince = z
	.object({
		daysSince: z.union([
			z.enum(SINCE),
			z.object({ first: EventFilter }).strict(),
			z.object({ last: EventFilter }).strict(),
		]),
		op: z.enum(COUNT_OPS),
		value: z.number().min(0).max(36500),
	})
	.strict();
const InSegment = z.object({ inSegment: z.string().trim().min(1).max(120) }).strict();

/** A segment's condition as stored: a tree of and, or, not and tests (its text form: segment-text.ts). */
export const SegmentCondition: z.ZodType<SegmentCondition> = z.lazy(() =>
	z.union([
		z.object({ all: z.array(SegmentCondition).min(1).max(50) }).strict(),
		z.object({ any: z.array(SegmentCondition).min(1).max(50) }).strict(),
		z.object({ not: SegmentCondition }).strict(),
		Count,
		DaysSince,
		InSegment,
		LeadTest,
	]),
) as unknown as z.ZodType<SegmentCondition>;

/** A condition given as its text or as its tree (one of them). */
const textOrTree = {
	text: z.string().max(20_000).optional().openapi({
		example: 'stage = mql and country in ("DE", "AT") and count(page where path ^= "/pricing", 7d) >= 3',
	}),
	condition: z.unknown().optional().openapi({ description: "the tree, instead of the text" }),
};
const oneOf = (r: { text?: unknown; condition?: unknown }) => (r.text === undefined) !== (r.condition === undefined);

/** A segment to try: its text, or its tree. */
export const SegmentPreviewRequest = z
	.object({ ...textOrTree, sample: z.number().int().min(0).max(100).default(20) })
	.strict()
	.refine(oneOf, { message: "give the text or the condition", path: ["text"] })
	.openapi("SegmentPreviewRequest");
export type SegmentPreviewRequest = z.input<typeof SegmentPreviewRequest>;

export const SegmentPreview = z
	.object({
		text: z.string().openapi({ description: "the condition as text, written the one way the tree reads" }),
		condition: z.unknown().openapi({ description: "the condition as its tree" }),
		count: z.number().int(),
		sample: z.array(z.object({ id: z.string(), email: z.string().nullable(), stage: z.string() })),
	})
	.openapi("SegmentPreview");
export type SegmentPreview = Omit<z.infer<typeof SegmentPreview>, "condition"> & { condition: SegmentCondition };

export const SegmentCreate = z
	.object({
		name: z.string().trim().min(1, "name the segment").max(120),
		kind: z.enum(["dynamic", "static"]).default("dynamic").openapi({
			description: "dynamic: its condition decides who is in it; static: a list kept by hand",
		}),
		...textOrTree,
	})
	.strict()
	.refine((s) => s.kind === "static" || oneOf(s), {
		message: "a dynamic segment needs its text or its condition (one of them)",
		path: ["text"],
	})
	.refine((s) => s.kind === "dynamic" || (s.text === undefined && s.condition === undefined), {
		message: "a static list has no condition: add its members",
		path: ["text"],
	})
	.openapi("SegmentCreate");
export type SegmentCreate = z.input<typeof SegmentCreate>;

export const SegmentUpdate = z
	.object({ name: z.string().trim().min(1, "name the segment").max(120).optional(), ...textOrTree })
	.strict()
	.refine((s) => s.text === undefined || s.condition === undefined, {
		message: "give the text or the condition, not both",
		path: ["text"],
	})
	.openapi("SegmentUpdate");
export type SegmentUpdate = z.input<typeof SegmentUpdate>;

export const Segment = z
	.object({
		id: z.string(),
		name: z.string(),
		kind: z.enum(["dynamic", "static"]),
		text: z.string().nullable(),
		members: z.number().int(),
		createdAt: z.string(),
		refreshedAt: z.string().nullable(),
	})
	.openapi("Segment");
export type Segment = z.infer<typeof Segment>;

export const SegmentChange = z.object({
	leadId: z.string(),
	email: z.string().nullable(),
	change: z.enum(["entered", "exited"]),
	at: z.string(),
});

export const SegmentDetail = Segment.extend({
	condition: z.unknown().nullable(),
	changes: z.array(SegmentChange).openapi({ description: "the latest entries and exits, newest first" }),
}).openapi("SegmentDetail");
export type SegmentDetail = Omit<z.infer<typeof SegmentDetail>, "condition"> & { condition: SegmentCondition | null };

export const SegmentMembersChange = z
	.object({
		add: z.array(z.uuid()).max(10_000).default([]),
		remove: z.array(z.uuid()).max(10_000).default([]),
		addMatching: LeadFilters.optional().openapi({
			description: 'also add every live lead these lead-list filters match now (the list\'s "all that match")',
		}),
	})
	.strict()
	.openapi("SegmentMembersChange");

export const SegmentRefresh = z
	.object({ entered: z.number().int(), exited: z.number().int(), members: z.number().int() })
	.openapi("SegmentRefresh");
export type SegmentRefresh = z.infer<typeof SegmentRefresh>;

export const SegmentHistoryQuery = z.object({
	days: z.coerce.number().int().min(1).max(730).default(90),
	zone: z.string().refine(isTimeZone, { message: "not an IANA time zone such as Europe/Berlin" }).default("UTC"),
});

export const SegmentHistory = z
	.object({
		zone: z.string(),
		days: z.array(
			z.object({
				day: z.string().openapi({ example: "2026-11-30" }),
				entered: z.number().int(),
				exited: z.number().int(),
				size: z.number().int().openapi({ description: "members at the end of the day" }),
			}),
		),
	})
	.openapi("SegmentHistory");
export type SegmentHistory = z.infer<typeof SegmentHistory>;

export const SegmentChangePage = z
	.object({ data: z.array(SegmentChange), nextCursor: z.string().nullable() })
	.openapi("SegmentChangePage");
export type SegmentChangePage = z.infer<typeof SegmentChangePage>;

export const SegmentChangeQuery = z.object({
	change: z.enum(["entered", "exited"]).optional(),
	limit: z.coerce.number().int().min(1).max(500).default(50),
	cursor: z.string().max(200).optional(),
});

/** A starting segment the builder offers (see domain/segments/starting-segments.ts). */
export const StartingSegment = z
	.object({ name: z.string(), why: z.string(), text: z.string() })
	.openapi("StartingSegment");
export type StartingSegment = z.infer<typeof StartingSegment>;
