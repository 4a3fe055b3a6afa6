import type { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { cors } from "hono/cors";
import type { Logger } from "pino";
import { keyGrant } from "../app/api-keys.js";
import { type IngestOptions, ingestBatch } from "../app/ingest-batch.js";
import { withoutNulls } from "../domain/clean-input.js";
import type { Clock } from "../domain/clock.js";
import { AppError } from "../domain/errors.js";
import { isObject } from "../domain/traits.js";
import {
	BatchBody,
	IngestResult,
	MAX_BATCH_BYTES,
	MAX_EVENT_BYTES,
	type MessageType,
	SingleCallBody,
} from "../schemas/segment.js";
import type { Db } from "../storage/database.js";
import { type AuthEnv, presentedKey } from "./auth.js";
import { clientAddress } from "./client-address.js";
import { problemsOf } from "./errors.js";
import { readIngestBody } from "./ingest-body.js";
import { perMinute } from "./per-minute.js";

/** Every path Segment's libraries post to: the long names, and the browser library's letters. */
const CALLS: Record<string, MessageType | "batch"> = {
	track: "track",
	identify: "identify",
	page: "page",
	screen: "screen",
	group: "group",
	alias: "alias",
	batch: "batch",
	import: "batch",
	t: "track",
	i: "identify",
	p: "page",
	s: "screen",
	g: "group",
	a: "alias",
	b: "batch",
};

export interface IngestRouteOptions {
	clock: Clock;
	/** events before this are refused */
	oldestEvent?: Date;
	logger?: Logger;
	/** behind a reverse proxy: the client address is the last one in X-Forwarded-For */
	trustProxy?: boolean;
}

/**
 * The keys a call presents: the Authorization header, and `writeKey` at the top of the body
 * and in each message (where `navigator.sendBeacon`, which cannot set headers, puts it).
 */
function keysOf(header: string | undefined, body: unknown): string[] {
	const keys = new Set<string>();
	const fromHeader = presentedKey(header);
	if (fromHeader) keys.add(fromHeader);
	const collect = (value: unknown) => {
		if (isObject(value) && typeof value.writeKey === "string" && value.writeKey) keys.add(value.writeKey);
	};
	collect(body);
	if (isObject(body) && Array.isArray(body.batch)) body.batch.forEach(collect);
	return [...keys];
}

/**
 * Every key presented must be a live write or secret key, and one at least must be; a call from a
 * page (it has an Origin) must come from a site each of its keys allows.
 */
async function authenticate(db: Db, keys: readonly string[], origin: string | undefined): Promise<void> {
	if (keys.length === 0 || keys.length > 4) throw new AppError("unauthorized", "Missing or invalid API key.");
	for (const key of keys) {
		const grant = await keyGrant(db, key);
		if (!grant) throw new AppError("unauthorized", "Missing or invalid API key.");
		if (origin && grant.origins && !grant.origins.includes(origin.toLowerCase()))
			throw new AppError("forbidden", `This write key takes calls from ${grant.origins.join(", ")}, not ${origin}.`);
	}
}

/** Calls a client address may make a minute from a page (any with an Origin header), per server. */
export const BROWSER_CALLS_PER_MINUTE = 300;

/** Segment's HTTP Tracking API: /v1/track, /identify, /page, /screen, /group, /alias, /batch and their short forms. */
export function registerIngestRoutes(app: OpenAPIHono<AuthEnv>, db: Db, options: IngestRouteOptions) {
	// Reflects the headers a library asks for (X-Retry-Count, Content-Encoding…): the keys
	// travel in the request itself, never in cookies, so no header can widen what a page may do.
	const allowOrigins = cors({ origin: "*", allowMethods: ["POST", "OPTIONS"], maxAge: 86_400 });
	for (const [name, call] of Object.entries(CALLS)) {
		app.use(`/v1/${name}`, allowOrigins);
		app.post(`/v1/${name}`, (c) => ingest(c, call));
	}
	// Segment's browser library posts its own delivery counters here: nothing about leads, nothing kept.
	app.use("/v1/m", allowOrigins);
	app.post("/v1/m", (c) => c.body(null, 204));

	// calls from pages (server-side senders are not limited)
	const allowBrowserCall = perMinute(BROWSER_CALLS_PER_MINUTE);

	async function ingest(c: Context<AuthEnv>, call: MessageType | "batch") {
		const origin = c.req.header("origin");
		if (origin && !allowBrowserCall(clientAddress(c, options.trustProxy ?? false), options.clock.now().getTime()))
			throw new AppError("rate_limited", "Too many calls from this address: try again in a minute.", [], 60);
		// A key in the header is checked before the body is read; one in the body, after.
		const headerKey = presentedKey(c.req.header("authorization"));
		if (headerKey) await authenticate(db, [headerKey], origin);
		const body = await readIngestBody(c, call === "batch" ? MAX_BATCH_BYTES : MAX_EVENT_BYTES);
		await authenticate(db, keysOf(c.req.header("authorization"), body), origin);
		const ingestOptions = {
			receivedAt: options.clock.now(),
			oldestEvent: options.oldestEvent,
			onEventFailed: logFailure(c, options.logger),
		};
		const result =
			call === "batch"
				? await ingestBatchBody(db, body, ingestOptions)
				: await ingestSingle(db, body, call, ingestOptions);
		return c.json(result, result.errors.length > 0 ? 400 : 200);
	}

	for (const type of ["track", "identify", "page", "screen", "group", "alias"] as const) {
		app.openAPIRegistry.registerPath({
			method: "post",
			path: `/v1/${type}`,
			tags: ["Ingest"],
			summary: `Record a ${type} call`,
			description: `Segment-compatible ${type} call, also at /v1/${type[0]}. ${AUTH_TEXT}`,
			security: [{ basic: [] }],
			request: { body: { content: { "application/json": { schema: SingleCallBody } } } },
			responses: ingestResponses,
		});
	}
	app.openAPIRegistry.registerPath({
		method: "post",
		path: "/v1/batch",
		tags: ["Ingest"],
		summary: "Record many calls at once",
		description: `Also at /v1/b and /v1/import. Up to 500 KB once decompressed, each event up to 32 KB. Each event is stored or refused alone: valid events are stored even when others are refused, and the answer names each refused event by index and field. A messageId is stored once however often it is sent. ${AUTH_TEXT}`,
		security: [{ basic: [] }],
		request: { body: { content: { "application/json": { schema: BatchBody } } } },
		responses: ingestResponses,
	});
}

const AUTH_TEXT =
	"Authenticate with a write key as the Basic-auth user name, as Bearer, or as `writeKey` in the body (for navigator.sendBeacon). Bodies may be gzip, deflate or br encoded; any content type is accepted if the body is JSON. A `null` optional field counts as absent.";

function logFailure(c: Context, logger: Logger | undefined) {
	return (error: unknown, index: number) =>
		logger?.warn({ err: error, path: c.req.path, index }, "an event could not be stored; the rest of its batch was");
}

async function ingestSingle(db: Db, body: unknown, type: MessageType, options: IngestOptions) {
	if (!isObject(body)) {
		throw new AppError("validation_failed", "The body must be a JSON object.", [
			{ field: "body", message: "must be an object" },
		]);
	}
	return ingestBatch(db, [{ ...body, type }], options);
}

async function ingestBatchBody(db: Db, body: unknown, options: IngestOptions) {
	const parsed = BatchBody.safeParse(isObject(body) ? withoutNulls(body) : body);
	if (!parsed.success) {
		throw new AppError(
			"validation_failed",
			"The batch is not of the form { batch: [...] }.",
			problemsOf(parsed.error.issues),
		);
	}
	const { batch, context, sentAt } = parsed.data;
	return ingestBatch(db, batch, { ...options, context, sentAt });
}

const ingestResponses = {
	200: {
		description: "All events stored (or already stored); warnings name values that were repaired or not used",
		content: { "application/json": { schema: IngestResult } },
	},
	400: {
		description: "Some events were refused, each named by index and field; the others were stored",
		content: { "application/json": { schema: IngestResult } },
	},
	401: { description: "Missing or invalid key" },
	413: { description: "Body too large (after decompression)" },
	415: { description: "Not JSON, or an unsupported Content-Encoding" },
} satisfies Record<number, { description: string; content?: { "application/json": { schema: z.ZodType } } }>;
