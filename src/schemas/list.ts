import { z } from "@hono/zod-openapi";

/** A list answer: `{ data: [...] }`, the shape every listing route has. */
export const listOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item) });
