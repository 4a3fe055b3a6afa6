import { z } from "@hono/zod-openapi";

export const OUTCOMES = ["opportunity", "won", "lost"] as const;

export const OutcomeInput = z
	.object({
		outcome: z.enum(OUTCOMES),
		at: z.iso.datetime({ offset: true }).openapi({ description: "when it happened" }),
		amount: z.number().finite().min(0).optional().openapi({ description: "the deal's value" }),
		owner: z.string().trim().min(1).max(200).optional().openapi({ description: "the rep, as your CRM names them" }),
	})
	.strict()
	.openapi("OutcomeInput");
export type OutcomeInput = z.infer<typeof OutcomeInput>;

/** An outcome for a lead named by its id, the external id it was imported with, or its e-mail. */
export const OutcomeRequest = OutcomeInput.extend({
	leadId: z.uuid().optional(),
	externalId: z.string().trim().min(1).max(200).optional(),
	email: z.email().optional(),
})
	.strict()
	.refine((r) => r.leadId || r.externalId || r.email, {
		message: "name the lead: leadId, externalId or email",
		path: ["leadId"],
	})
	.openapi("OutcomeRequest");
export type OutcomeRequest = z.infer<typeof OutcomeRequest>;

export const Outcome = z
	.object({
		id: z.string(),
		leadId: z.uuid(),
		outcome: z.enum(OUTCOMES),
		at: z.string(),
		amount: z.number().nullable(),
		owner: z.string().nullable(),
		source: z.enum(["api", "import"]),
	})
	.openapi("Outcome");
export type Outcome = z.infer<typeof Outcome>;

export const OutcomeRecorded = z
	.object({
		outcome: Outcome,
		created: z.boolean().openapi({ description: "false: the same outcome was recorded before" }),
		moved: z.object({ from: z.string(), to: z.string() }).nullable(),
		warning: z.string().nullable(),
	})
	.openapi("OutcomeRecorded");
