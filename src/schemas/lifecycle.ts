import { z } from "@hono/zod-openapi";
import { ACTORS, REJECTION_REASONS } from "../domain/lifecycle.js";
import { STAGES } from "../domain/stages.js";

export const StageChange = z
	.object({
		from: z.string(),
		to: z.string(),
		at: z.string(),
		actor: z.enum(ACTORS),
		actorId: z.string().nullable(),
		actorName: z.string().nullable().openapi({ description: "the person who made it, if a person did" }),
		reason: z.string().nullable(),
		rejection: z.string().nullable(),
		note: z.string().nullable(),
		modelVersion: z.number().int().nullable(),
		causedBy: z.string().nullable().openapi({ description: "the messageId of the event that caused it" }),
	})
	.openapi("StageChange");

export const StageMoveRequest = z
	.object({
		to: z.enum(STAGES),
		reason: z.string().max(1000).optional(),
		rejection: z.enum(REJECTION_REASONS).optional(),
		note: z.string().max(2000).optional(),
		cooldownDays: z
			.number()
			.int()
			.min(0)
			.max(365)
			.optional()
			.openapi({ description: "recycled only: days before the lead may become an MQL again" }),
	})
	.strict()
	.openapi("StageMoveRequest");
export type StageChange = z.infer<typeof StageChange>;
export type StageMoveRequest = z.infer<typeof StageMoveRequest>;

export const StageMoves = z
	.object({
		stage: z.string(),
		moves: z.array(z.object({ to: z.enum(STAGES), needs: z.array(z.enum(["reason", "rejection"])) })),
	})
	.openapi("StageMoves");
export type StageMoves = z.infer<typeof StageMoves>;
export type RejectionReason = z.infer<typeof RejectionReason>;
export const RejectionReason = z.enum(REJECTION_REASONS);
