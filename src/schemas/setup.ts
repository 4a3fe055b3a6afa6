import { z } from "@hono/zod-openapi";

export const DemoStatus = z
	.object({
		state: z.enum(["idle", "loading", "done", "failed"]),
		leads: z.number().int().openapi({ description: "demo leads loaded so far" }),
		of: z.number().int().openapi({ description: "demo leads in all" }),
		message: z.string().nullable().openapi({ description: "what happened, when it is over" }),
	})
	.openapi("DemoStatus");
export type DemoStatus = z.infer<typeof DemoStatus>;
