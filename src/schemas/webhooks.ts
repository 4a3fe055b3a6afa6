import { z } from "@hono/zod-openapi";

export const WEBHOOK_EVENT_TYPES = [
	"lead.mql",
	"lead.sql",
	"lead.recycled",
	"lead.disqualified",
	"lead.score_changed",
	"handoff.assigned",
	"handoff.sla_breached",
] as const;
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventType>;
export const isWebhookEventType = (value: string): value is WebhookEventType =>
	(WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);

export const WebhookEndpointCreate = z
	.object({
		url: z.url({ protocol: /^https?$/ }).max(2000),
		description: z.string().max(500).default(""),
		events: z.array(WebhookEventType).min(1),
		format: z.enum(["standard", "slack"]).default("standard").openapi({
			description: "standard: signed JSON per the Standard Webhooks spec; slack: a Slack-compatible message",
		}),
		minScoreChange: z
			.number()
			.min(0)
			.default(0)
			.openapi({ description: "lead.score_changed only when engagement moves at least this much" }),
	})
	.strict()
	.openapi("WebhookEndpointCreate");

export const WebhookEndpointPatch = WebhookEndpointCreate.partial()
	.extend({ enabled: z.boolean().optional() })
	.strict()
	.openapi("WebhookEndpointPatch");

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
