import { z } from "@hono/zod-openapi";

export const WEBHOOK_EVENT_TYPES = [
	"lead.mql",
	"lead.sql",
	"lead.recycled",
	"lead.disqualified",
	"lead.score_changed",
	"handoff.assigned",
	"handoff.sla_breached",
	"segment.entered",
	"segment.exited",
	"account.qualified",
] as const;
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventType>;
export const isWebhookEventType = (value: string): value is WebhookEventType =>
	(WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);

const endpointFields = {
	url: z.url({ protocol: /^https?$/ }).max(2000),
	description: z.string().trim().max(500),
	events: z.array(WebhookEventType).min(1),
	format: z.enum(["standard", "slack"]).openapi({
		description: "standard: signed JSON per the Standard Webhooks spec; slack: a Slack-compatible message",
	}),
	minScoreChange: z
		.number()
		.min(0)
		.openapi({ description: "lead.score_changed only when engagement moves at least this much" }),
};

export const WebhookEndpointCreate = z
	.object({
		...endpointFields,
		description: endpointFields.description.default(""),
		format: endpointFields.format.default("standard"),
		minScoreChange: endpointFields.minScoreChange.default(0),
	})
	.strict()
	.openapi("WebhookEndpointCreate");
export type WebhookEndpointCreate = z.input<typeof WebhookEndpointCreate>;

/** Only what is sent changes: no defaults here, so pausing an endpoint keeps its format. */
export const WebhookEndpointPatch = z
	.object({ ...endpointFields, enabled: z.boolean() })
	.partial()
	.strict()
	.openapi("WebhookEndpointPatch");
export type WebhookEndpointPatch = z.infer<typeof WebhookEndpointPatch>;

export const WebhookEndpoint = z
	.object({
		id: z.uuid(),
		url: z.string(),
		description: z.string(),
		events: z.array(WebhookEventType),
		format: z.enum(["standard", "slack"]),
		minScoreChange: z.number(),
		enabled: z.boolean(),
		disabledReason: z.string().nullable(),
		failingSince: z.string().nullable(),
		createdAt: z.string(),
	})
	.openapi("WebhookEndpoint");
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

export const WebhookEndpointCreated = WebhookEndpoint.extend({
	secret: z.string().openapi({ description: "the signing secret (whsec_…), shown this once" }),
}).openapi("WebhookEndpointCreated");
export type WebhookEndpointCreated = z.infer<typeof WebhookEndpointCreated>;

export const WebhookAttempt = z
	.object({
		messageId: z.string(),
		type: z.string(),
		attempt: z.number().int(),
		at: z.string(),
		status: z.number().int().nullable(),
		latencyMs: z.number().int().nullable(),
		succeeded: z.boolean(),
		responseExcerpt: z.string().nullable(),
		error: z.string().nullable(),
	})
	.openapi("WebhookAttempt");
export type WebhookAttempt = z.infer<typeof WebhookAttempt>;

export const WebhookTestResult = z
	.object({
		status: z.number().int().nullable().openapi({ description: "the receiver's HTTP status, if it answered" }),
		failure: z.string().nullable().openapi({ description: "null when it answered 2xx" }),
		excerpt: z.string().nullable(),
		ms: z.number().nullable(),
	})
	.openapi("WebhookTestResult");
export type WebhookTestResult = z.infer<typeof WebhookTestResult>;

export const AttemptsQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });
