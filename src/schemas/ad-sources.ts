import { z } from "@hono/zod-openapi";

export const AD_PLATFORMS = ["facebook", "linkedin"] as const;

export const AdSourceInput = z
	.object({
		name: z.string().trim().min(1).max(120),
		platform: z.enum(AD_PLATFORMS),
		/** the platform's field name (Facebook) or question id (LinkedIn) → the trait it fills */
		mapping: z
			.record(z.string().min(1).max(200), z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,49}$/, "a trait name"))
			.default({}),
	})
	.strict()
	.openapi("AdSourceInput");
export type AdSourceInput = z.input<typeof AdSourceInput>;

export const AdSource = z
	.object({
		id: z.string().uuid(),
		name: z.string(),
		platform: z.enum(AD_PLATFORMS),
		mapping: z.record(z.string(), z.string()),
		webhookUrl: z.string().openapi({ description: "where the platform posts its leads" }),
		secret: z.string().openapi({ description: "signs the platform's posts (its app or client secret)" }),
	})
	.openapi("AdSource");
export type AdSource = z.infer<typeof AdSource>;
