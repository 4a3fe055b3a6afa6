import { z } from "@hono/zod-openapi";
import { REJECTION_REASONS } from "../domain/lifecycle.js";
import { isTimeZone } from "../domain/traits.js";
import { Condition } from "./scoring-model.js";
import { Name } from "./users.js";

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time such as 09:00");
const zone = z.string().refine(isTimeZone, "an IANA time zone such as Europe/Berlin");

export const TeamInput = z
	.object({
		name: Name(120),
		timezone: zone.default("UTC"),
		slaMinutes: z
			.number()
			.int()
			.min(1)
			.max(100_000)
			.default(60)
			.openapi({ description: "business minutes to first touch" }),
		businessDays: z
			.array(z.number().int().min(1).max(7))
			.min(1, "choose at least one business day")
			.max(7)
			.default([1, 2, 3, 4, 5])
			.openapi({ description: "ISO weekdays, 1 = Monday" }),
		businessStart: time.default("09:00"),
		businessEnd: time.default("17:00"),
		managerEmail: z.email().nullable().default(null),
		escalation: z.enum(["notify", "reassign"]).default("notify").openapi({
			description: "on an SLA breach: notify the manager, or also give the lead to the next owner",
		}),
	})
	.strict()
	.refine((t) => t.businessStart < t.businessEnd, {
		message: "businessStart must be before businessEnd",
		path: ["businessEnd"],
	})
	.openapi("TeamInput");

export const Team = z
	.object({
		id: z.uuid(),
		name: z.string(),
		timezone: z.string(),
		slaMinutes: z.number().int(),
		businessDays: z.array(z.number().int()),
		businessStart: z.string(),
		businessEnd: z.string(),
		managerEmail: z.string().nullable(),
		escalation: z.enum(["notify", "reassign"]),
	})
	.openapi("Team");

export const TeamDeleted = z
	.object({
		moved: z.object({
			people: z.number().int(),
			openHandoffs: z.number().int(),
			handoffs: z.number().int(),
			routingRules: z.number().int(),
		}),
	})
	.openapi("TeamDeleted");
export type TeamDeleted = z.infer<typeof TeamDeleted>;

export const OwnerInput = z
	.object({
		name: Name(),
		email: z.email(),
		teamId: z.uuid(),
		timezone: zone.nullable().default(null),
		away: z.boolean().default(false),
		maxOpen: z.number().int().min(0).max(10_000).default(25).openapi({ description: "open handoffs at most" }),
		active: z.boolean().default(true),
		userId: z
			.uuid()
			.nullable()
			.default(null)
			.openapi({ description: "the person who signs in as this owner: their queue becomes their own" }),
	})
	.strict()
	.openapi("OwnerInput");

export const Owner = z
	.object({
		id: z.uuid(),
		name: z.string(),
		email: z.string(),
		teamId: z.uuid(),
		timezone: z.string().nullable(),
		away: z.boolean(),
		maxOpen: z.number().int(),
		active: z.boolean(),
		openHandoffs: z.number().int(),
		userId: z.uuid().nullable().openapi({ description: "the person who signs in as this owner" }),
	})
	.openapi("Owner");

export const RoutingRuleInput = z
	.object({
		name: Name(),
		position: z.number().int().min(0).openapi({ description: "rules are tried in this order" }),
		condition: Condition,
		teamId: z.uuid(),
		ownerId: z
			.uuid()
			.nullable()
			.default(null)
			.openapi({ description: "a named account's owner, bypassing round-robin" }),
		enabled: z.boolean().default(true),
	})
	.strict()
	.openapi("RoutingRuleInput");

export const RoutingRule = RoutingRuleInput.extend({ id: z.uuid() }).openapi("RoutingRule");

export const Handoff = z
	.object({
		id: z.uuid(),
		leadId: z.uuid(),
		teamId: z.uuid().nullable(),
		ownerId: z.uuid().nullable(),
		status: z.enum(["open", "accepted", "rejected", "closed"]),
		routedBy: z.string().nullable(),
		assignedAt: z.string(),
		slaDueAt: z.string().nullable(),
		firstTouchAt: z.string().nullable(),
		firstTouchKind: z.enum(["call", "email", "meeting"]).nullable(),
		breachedAt: z.string().nullable(),
		outcomeAt: z.string().nullable(),
		rejection: z.string().nullable(),
		note: z.string().nullable(),
		source: z.string().nullable(),
		lead: z.object({
			email: z.string().nullable(),
			name: z.string().nullable(),
			company: z.string().nullable(),
			grade: z.string().nullable(),
			temperature: z.string().nullable(),
			why: z.string().nullable().openapi({ description: "why the lead qualified, in one line" }),
			phone: z.string().nullable(),
			consent: z.enum(["subscribed", "pending", "unsubscribed", "bounced"]),
			cooldownUntil: z.string().nullable().openapi({ description: "a recycled lead may not qualify again before" }),
		}),
		team: z.object({ name: z.string(), timezone: z.string() }).nullable(),
	})
	.openapi("Handoff");
export type Handoff = z.infer<typeof Handoff>;

export const HandoffList = z
	.object({
		data: z.array(Handoff),
		total: z.number().int().openapi({ description: "how many match, beyond the limit too" }),
		ownerId: z.uuid().nullable().openapi({ description: "whose queue this is: a rep always gets their own" }),
	})
	.openapi("HandoffList");
export type HandoffList = z.infer<typeof HandoffList>;

export const TOUCH_KINDS = ["call", "email", "meeting", "note"] as const;
export const CALL_OUTCOMES = ["connected", "voicemail", "no_answer"] as const;

export const TouchInput = z
	.object({
		kind: z.enum(TOUCH_KINDS).openapi({ description: "a note is kept on the timeline but is not a touch of the lead" }),
		outcome: z.enum(CALL_OUTCOMES).optional().openapi({ description: "calls only" }),
		note: z.string().trim().max(2000).optional(),
	})
	.strict()
	.refine((t) => t.kind === "call" || t.outcome === undefined, {
		message: "only a call has an outcome",
		path: ["outcome"],
	})
	.refine((t) => t.kind !== "note" || (t.note ?? "") !== "", { message: "a note needs its text", path: ["note"] })
	.openapi("TouchInput");
export type TouchInput = z.infer<typeof TouchInput>;

export const Touch = z
	.object({
		id: z.string(),
		leadId: z.uuid(),
		handoffId: z.uuid().nullable(),
		kind: z.enum(TOUCH_KINDS),
		outcome: z.enum(CALL_OUTCOMES).nullable(),
		note: z.string().nullable(),
		at: z.string(),
		actorId: z.string().nullable(),
		actorName: z.string().nullable().openapi({ description: "the person who logged it, if a person did" }),
	})
	.openapi("Touch");
export type Touch = z.infer<typeof Touch>;

export const RejectInput = z
	.object({
		rejection: z.enum(REJECTION_REASONS),
		note: z.string().trim().max(2000).optional(),
		outcome: z.enum(["recycled", "disqualified"]).default("recycled"),
		cooldownDays: z.number().int().min(0).max(365).default(30),
		resetScore: z.boolean().default(false).openapi({ description: "recycled only: count only events from now on" }),
	})
	.strict()
	.openapi("RejectInput");

export type Team = z.infer<typeof Team>;
export type TeamInput = z.input<typeof TeamInput>;
/** A team's settings as stored: the input with its defaults filled in. */
export type TeamSettings = z.output<typeof TeamInput>;
export type Owner = z.infer<typeof Owner>;
export type OwnerInput = z.input<typeof OwnerInput>;
export type OwnerSettings = z.output<typeof OwnerInput>;
export type RoutingRule = z.infer<typeof RoutingRule>;
export type RoutingRuleInput = z.input<typeof RoutingRuleInput>;
export type RoutingRuleSettings = z.output<typeof RoutingRuleInput>;
export type RejectInput = z.input<typeof RejectInput>;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];
export type TouchKind = (typeof TOUCH_KINDS)[number];

export const HandoffListQuery = z.object({
	ownerId: z.uuid().optional().openapi({ description: "ignored for a rep: they always get their own queue" }),
	teamId: z.uuid().optional(),
	status: z.enum(["open", "accepted", "rejected", "closed"]).optional(),
	limit: z.coerce.number().int().min(1).max(500).default(200),
});
export const OwnerListQuery = z.object({ teamId: z.uuid().optional() });
export const TeamDeleteQuery = z.object({
	moveTo: z.uuid().optional().openapi({ description: "the team that takes its people, handoffs and rules" }),
});
