import { z } from "@hono/zod-openapi";

export const ApiKey = z
	.object({
		id: z.string(),
		kind: z.enum(["write", "secret"]),
		name: z.string(),
		prefix: z.string().openapi({ description: "the key's first characters, to recognise it" }),
		createdAt: z.string(),
		revokedAt: z.string().nullable(),
		origins: z
			.array(z.string())
			.nullable()
			.openapi({ description: "the sites a write key takes browser calls from; null: any" }),
	})
	.openapi("ApiKey");
export const ApiKeyInput = z
	.object({
		kind: z.enum(["write", "secret"]).openapi({ description: "write: ingest only; secret: the whole API as an admin" }),
		name: z.string().trim().min(1).max(100),
		origins: z
			.array(
				z
					.string()
					.regex(
						/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i,
						"an origin: scheme and host (and port), such as https://www.acme.com",
					),
			)
			.min(1)
			.max(50)
			.optional()
			.openapi({ description: "write keys: the sites (origins) whose pages may send with it" }),
	})
	.strict()
	.refine((k) => k.kind === "write" || k.origins === undefined, {
		message: "only a write key is limited to origins",
		path: ["origins"],
	})
	.openapi("ApiKeyInput");
export type ApiKey = z.infer<typeof ApiKey>;
export type ApiKeyInput = z.infer<typeof ApiKeyInput>;

export const ApiKeyCreated = ApiKey.extend({
	key: z.string().openapi({ description: "the key, shown this once" }),
}).openapi("ApiKeyCreated");
export type ApiKeyCreated = z.infer<typeof ApiKeyCreated>;
