import { z } from "@hono/zod-openapi";

export const ApiKey = z
	.object({
		id: z.string(),
		kind: z.enum(["write", "secret"]),
		name: z.string(),
		prefix: z.string().openapi({ description: "the key's first characters, to recognise it" }),
		createdAt: z.string(),
		revokedAt: z.string().nullable(),
	})
	.openapi("ApiKey");
export const ApiKeyInput = z
	.object({
		kind: z.enum(["write", "secret"]).openapi({ description: "write: ingest only; secret: the whole API as an admin" }),
		name: z.string().trim().min(1).max(100),
	})
	.strict()
	.openapi("ApiKeyInput");
export type ApiKey = z.infer<typeof ApiKey>;
export type ApiKeyInput = z.infer<typeof ApiKeyInput>;

export const ApiKeyCreated = ApiKey.extend({
	key: z.string().openapi({ description: "the key, shown this once" }),
}).openapi("ApiKeyCreated");
export type ApiKeyCreated = z.infer<typeof ApiKeyCreated>;
