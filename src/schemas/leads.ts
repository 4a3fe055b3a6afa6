import { z } from "@hono/zod-openapi";
import { STAGES } from "../domain/stages.js";

export const ConsentStatus = z.enum(["subscribed", "pending", "unsubscribed", "bounced"]);

export const LeadScoreSummary = z
	.object({
		modelVersion: z.number().int(),
		fit: z.number(),
		engagement: z.number().openapi({ description: "as of scoredAt; GET /v1/leads/{id}/score gives it now" }),
		grade: z.enum(["A", "B", "C", "D"]),
		temperature: z.enum(["cold", "warm", "hot"]),
		qualified: z.boolean(),
		qualification: z.string(),
		scoredAt: z.string(),
	})
	.openapi("LeadScoreSummary");
export type LeadScoreSummary = z.infer<typeof LeadScoreSummary>;

export const Lead = z
	.object({
		id: z.uuid(),
		email: z.string().nullable(),
		userId: z.string().nullable(),
		traits: z.record(z.string(), z.unknown()),
		timezone: z.string().nullable(),
		consent: z.object({ status: ConsentStatus, at: z.string().nullable(), source: z.string().nullable() }),
		stage: z.enum(STAGES),
		firstSeenAt: z.string(),
		lastSeenAt: z.string(),
		createdAt: z.string(),
		updatedAt: z.string(),
		source: z.string().nullable().openapi({ description: "first touch: campaign source, else the referring site" }),
		ownerId: z.uuid().nullable().openapi({ description: "the owner of the latest handoff, if any" }),
		score: LeadScoreSummary.nullable().openapi({ description: "under the active model; null until scored" }),
	})
	.openapi("Lead");
export type Lead = z.infer<typeof Lead>;

export const LeadDetail = Lead.extend({
	account: z
		.object({ id: z.uuid(), name: z.string().nullable(), qualified: z.boolean() })
		.nullable()
		.openapi({ description: "the company the lead belongs to" }),
	owner: z
		.object({
			id: z.uuid(),
			name: z.string(),
			email: z.string(),
			team: z.string().nullable(),
			handoffId: z.uuid(),
			handoffStatus: z.enum(["open", "accepted", "rejected", "closed"]),
			assignedAt: z.string(),
		})
		.nullable()
		.openapi({ description: "the owner of the latest handoff" }),
	cooldownUntil: z.string().nullable().openapi({ description: "a recycled lead may not become an MQL again before" }),
	prediction: z
		.object({
			probability: z.number().openapi({ description: "the predicted chance of reaching SQL" }),
			reasons: z
				.array(z.object({ column: z.string(), effect: z.number() }))
				.openapi({ description: "what weighs most: how much lower the chance would be with the typical value" }),
			scoredAt: z.string(),
			modelTrainedAt: z.string(),
		})
		.nullable()
		.openapi({ description: "the predictive score, once a model is trained (qualify predict --save)" }),
	identities: z.array(z.object({ kind: z.enum(["email", "user", "anonymous"]), value: z.string() })),
	mergedFrom: z.array(z.uuid()),
}).openapi("LeadDetail");
export type LeadDetail = z.infer<typeof LeadDetail>;

export const LeadSort = z
	.enum(["createdAt", "lastSeenAt", "updatedAt", "score", "fit", "engagement"])
	.openapi({ description: "score is fit + engagement under the active model; unscored leads sort last" });

export const LeadListQuery = z.object({
	q: z.string().max(200).optional().openapi({ description: "search in email, name and company" }),
	trait: z
		.string()
		.max(300)
		.regex(/^[A-Za-z][A-Za-z0-9_]{0,62}=.{1,200}$/, "trait=value, such as industry=Software")
		.optional()
		.openapi({ description: "leads whose trait has this value (industry=Software)" }),
	did: z
		.string()
		.max(300)
		.optional()
		.openapi({ description: "leads with an event of this kind: track:Demo Requested, page:/pricing" }),
	stage: z.enum(STAGES).optional(),
	segment: z.uuid().optional().openapi({ description: "members of this segment or list now" }),
	account: z.uuid().optional().openapi({ description: "the people of this company" }),
	consent: ConsentStatus.optional(),
	grade: z.enum(["A", "B", "C", "D"]).optional().openapi({ description: "by the active model's stored score" }),
	temperature: z.enum(["cold", "warm", "hot"]).optional(),
	owner: z
		.union([z.uuid(), z.literal("none")])
		.optional()
		.openapi({ description: "the owner of the lead's latest handoff; none: never handed off" }),
	source: z.string().max(100).optional().openapi({ description: "first-touch source; (direct) for none" }),
	identified: z
		.enum(["true", "false"])
		.optional()
		.openapi({ description: "only leads with (or without) an email or user id" }),
	reached: z
		.enum(["mql", "sql", "opportunity", "customer"])
		.optional()
		.openapi({ description: "leads that ever held this stage or a later one (the dashboard's funnel)" }),
	mqlAfter: z.iso
		.datetime({ offset: true })
		.optional()
		.openapi({ description: "leads that became MQLs at or after this time (with mqlBefore: in a window)" }),
	mqlBefore: z.iso.datetime({ offset: true }).optional(),
	handoffAfter: z.iso
		.datetime({ offset: true })
		.optional()
		.openapi({ description: "leads handed to sales at or after this time (with handoffBefore: in a window)" }),
	handoffBefore: z.iso.datetime({ offset: true }).optional(),
	handoff: z.enum(["touched", "open", "rejected", "breached"]).optional().openapi({
		description: "with the handoff window: a handoff in it that was touched, is open, rejected or breached",
	}),
	firstSeenAfter: z.iso.datetime({ offset: true }).optional(),
	firstSeenBefore: z.iso.datetime({ offset: true }).optional(),
	createdAfter: z.iso.datetime({ offset: true }).optional(),
	createdBefore: z.iso.datetime({ offset: true }).optional(),
	sort: LeadSort.default("createdAt"),
	order: z.enum(["asc", "desc"]).default("desc"),
	limit: z.coerce.number().int().min(1).max(500).default(50),
	cursor: z.string().max(500).optional(),
});
export type LeadListQuery = z.infer<typeof LeadListQuery>;

/** A lead list's filters without its order and page: "all leads that match". */
export const LeadFilters = LeadListQuery.omit({ sort: true, order: true, limit: true, cursor: true })
	.strict()
	.openapi("LeadFilters");
export type LeadFilters = z.infer<typeof LeadFilters>;

export const LeadPage = z.object({ data: z.array(Lead), nextCursor: z.string().nullable() }).openapi("LeadPage");

export const LeadEvent = z
	.object({
		messageId: z.string(),
		type: z.string(),
		event: z.string().nullable(),
		name: z.string().nullable(),
		properties: z.record(z.string(), z.unknown()),
		traits: z.record(z.string(), z.unknown()),
		context: z.record(z.string(), z.unknown()),
		deviceClass: z.string().nullable(),
		pagePath: z.string().nullable(),
		timestamp: z.string(),
		receivedAt: z.string(),
	})
	.openapi("LeadEvent");
export type LeadEvent = z.infer<typeof LeadEvent>;

export const EventPageQuery = z.object({
	limit: z.coerce.number().int().min(1).max(500).default(50),
	cursor: z.string().max(500).optional(),
});
export const EventPage = z.object({ data: z.array(LeadEvent), nextCursor: z.string().nullable() }).openapi("EventPage");

export const LeadPatch = z
	.object({
		traits: z
			.record(z.string().min(1).max(100), z.unknown())
			.optional()
			.openapi({ description: "traits to set; a null value removes the trait" }),
		consent: z.object({ status: ConsentStatus, source: z.string().max(200).default("api") }).optional(),
	})
	.strict()
	.openapi("LeadPatch");
export type LeadPatch = z.infer<typeof LeadPatch>;

export type EventPage = z.infer<typeof EventPage>;
export type LeadPage = z.infer<typeof LeadPage>;
export type ConsentStatus = z.infer<typeof ConsentStatus>;
