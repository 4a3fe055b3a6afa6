import { z } from "@hono/zod-openapi";

export const ErrorResponse = z
	.object({
		error: z.object({
			code: z.string(),
			message: z.string(),
			problems: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
		}),
	})
	.openapi("Error");

/** A JSON response entry for a route's `responses`. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
	description,
	content: { "application/json": { schema } },
});

/** A required JSON request body. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
	content: { "application/json": { schema } },
	required: true,
});

export const secretKey = [{ bearer: [] }];

export const pathId = (example: string) =>
	z.object({ id: z.string().openapi({ param: { name: "id", in: "path" }, example }) });

/** A path id that must be a UUID: anything else is refused as not valid before any lookup. */
export const uuidPathId = (example: string) =>
	z.object({
		id: z
			.string()
			.uuid()
			.openapi({ param: { name: "id", in: "path" }, example }),
	});
