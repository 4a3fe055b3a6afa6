import type { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { ingestBatch } from "../app/ingest-batch.js";
import { AppError } from "../domain/errors.js";
import {
	BatchBody,
	IngestResult,
	MAX_BATCH_BYTES,
	MAX_EVENT_BYTES,
	MessageType,
	SingleCallBody,
} from "../schemas/segment.js";
import type { Db } from "../storage/database.js";
import { type AuthEnv, requireWriteKey } from "./auth.js";
import { errorBody, problemsOf } from "./errors.js";

const SINGLE_CALLS = MessageType.options;

// text/plain is what browsers send with sendBeacon, which cannot set a JSON content type.
const JSON_TYPES = /^(application\/json|text\/plain)\s*(;|$)/i;

async function readJson(c: Context): Promise<unknown> {
	if (!JSON_TYPES.test(c.req.header("content-type") ?? "")) {
		throw new AppError("unsupported_media_type", "Send the body as application/json.");
	}
	const text = await c.req.text();
	try {
		return JSON.parse(text);
	} catch {
		throw new AppError("validation_failed", "The body is not valid JSON.", [
			{ field: "body", message: "not valid JSON" },
		]);
	}
}

function tooLarge(limit: number) {
	return (c: Context) =>
		c.json(errorBody("payload_too_large", `The body is larger than ${limit} bytes, the limit for this call.`), 413);
}

/** Segment's HTTP Tracking API: /v1/track, /identify, /page, /screen, /group, /alias and /batch. */
export function registerIngestRoutes(app: OpenAPIHono<AuthEnv>, db: Db) {
	app.use(
		"/v1/:call{track|identify|page|screen|group|alias|batch}",
		cors({ origin: "*", allowHeaders: ["Authorization", "Content-Type"] }),
	);
	app.use("/v1/:call{track|identify|page|screen|group|alias|batch}", requireWriteKey(db));

	for (const type of SINGLE_CALLS) {
		app.post(`/v1/${type}`, bodyLimit({ maxSize: MAX_EVENT_BYTES, onError: tooLarge(MAX_EVENT_BYTES) }), async (c) => {
			const body = await readJson(c);
			if (typeof body !== "object" || body === null || Array.isArray(body)) {
				throw new AppError("validation_failed", "The body must be a JSON object.", [
					{ field: "body", message: "must be an object" },
				]);
			}
			const result = await ingestBatch(db, [{ ...body, type }]);
			return c.json(result, result.errors.length > 0 ? 400 : 200);
		});
		app.openAPIRegistry.registerPath({
			method: "post",
			path: `/v1/${type}`,
			tags: ["Ingest"],
			summary: `Record a ${type} call`,
			description: `Segment-compatible ${type} call. Authenticate with a write key as the Basic-auth user name.`,
			security: [{ basic: [] }],
			request: { body: { content: { "application/json": { schema: SingleCallBody } } } },
			responses: ingestResponses,
		});
	}

	app.post("/v1/batch", bodyLimit({ maxSize: MAX_BATCH_BYTES, onError: tooLarge(MAX_BATCH_BYTES) }), async (c) => {
		const parsed = BatchBody.safeParse(await readJson(c));
		if (!parsed.success) {
			const problems = problemsOf(parsed.error.issues);
			throw new AppError("validation_failed", "The batch is not of the form { batch: [...] }.", problems);
		}
		const { batch, context, sentAt } = parsed.data;
		const result = await ingestBatch(db, batch, { context, sentAt });
		return c.json(result, result.errors.length > 0 ? 400 : 200);
	});
	app.openAPIRegistry.registerPath({
		method: "post",
		path: "/v1/batch",
		tags: ["Ingest"],
		summary: "Record many calls at once",
		description:
			"Up to 500 KB, each event up to 32 KB. Valid events are stored even when others are rejected; the answer names each rejected event by index and field. A messageId is stored once however often it is sent.",
		security: [{ basic: [] }],
		request: { body: { content: { "application/json": { schema: BatchBody } } } },
		responses: ingestResponses,
	});
}

const ingestResponses = {
	200: {
		description: "All events stored (or already stored)",
		content: { "application/json": { schema: IngestResult } },
	},
	400: {
		description: "Some events were rejected; the others were stored",
		content: { "application/json": { schema: IngestResult } },
	},
	401: { description: "Missing or invalid key" },
	413: { description: "Body too large" },
	415: { description: "Not JSON" },
} satisfies Record<number, { description: string; content?: { "application/json": { schema: z.ZodType } } }>;
