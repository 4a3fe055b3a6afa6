import { z } from "@hono/zod-openapi";

/** Largest accepted event and batch, as Segment's HTTP Tracking API. */
export const MAX_EVENT_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;

const id = z.union([z.string().min(1).max(255), z.number()]).transform(String);
const isoTime = z.iso.datetime({ offset: true, local: false }).or(z.iso.datetime({ local: true }));
// Free-form objects pass through as parsed: z.record would rebuild them and drop a
// "__proto__" key, which is an ordinary name in a customer's data.
const jsonObject = z
	.custom<Record<string, unknown>>(
		(value) => typeof value === "object" && value !== null && !Array.isArray(value),
		"must be a JSON object",
	)
	.openapi({ type: "object", additionalProperties: true });

const common = {
	messageId: z.string().min(1).max(255).optional(),
	anonymousId: id.optional(),
	userId: id.optional(),
	timestamp: isoTime.optional(),
	originalTimestamp: isoTime.optional(),
	sentAt: isoTime.optional(),
	context: jsonObject.optional(),
	integrations: jsonObject.optional(),
};

export const TrackMessage = z.object({
	...common,
	type: z.literal("track"),
	event: z.string().min(1).max(200),
	properties: jsonObject.optional(),
});
export const IdentifyMessage = z.object({ ...common, type: z.literal("identify"), traits: jsonObject.optional() });
export const PageMessage = z.object({
	...common,
	type: z.literal("page"),
	name: z.string().max(200).optional(),
	category: z.string().max(200).optional(),
	properties: jsonObject.optional(),
});
export const ScreenMessage = z.object({
	...common,
	type: z.literal("screen"),
	name: z.string().max(200).optional(),
	properties: jsonObject.optional(),
});
export const GroupMessage = z.object({
	...common,
	type: z.literal("group"),
	groupId: id,
	traits: jsonObject.optional(),
});
export const AliasMessage = z.object({ ...common, type: z.literal("alias"), previousId: id, userId: id });

export const SegmentMessage = z
	.discriminatedUnion("type", [TrackMessage, IdentifyMessage, PageMessage, ScreenMessage, GroupMessage, AliasMessage])
	.superRefine((message, ctx) => {
		if (message.type !== "alias" && message.userId === undefined && message.anonymousId === undefined) {
			ctx.addIssue({ code: "custom", path: ["userId"], message: "either userId or anonymousId is required" });
		}
	})
	.openapi("SegmentMessage");
export type SegmentMessage = z.infer<typeof SegmentMessage>;

export const MessageType = z.enum(["track", "identify", "page", "screen", "group", "alias"]);
export type MessageType = z.infer<typeof MessageType>;

/** A single-call body: the type comes from the URL, so it is optional in the body. */
export const SingleCallBody = jsonObject.openapi("SingleCallBody", {
	description: "A Segment message (track, identify, page, screen, group or alias), as Segment's libraries send it.",
});

export const BatchBody = z
	.object({
		batch: z.array(z.unknown()).min(1).max(10_000),
		context: jsonObject.optional(),
		sentAt: isoTime.optional(),
	})
	.openapi("BatchBody");

export const IngestProblem = z.object({
	index: z.number().int().optional(),
	field: z.string(),
	message: z.string(),
});

export const IngestResult = z
	.object({
		success: z.boolean(),
		accepted: z.number().int().describe("events stored now"),
		duplicates: z.number().int().describe("events whose messageId was stored before"),
		rejected: z.number().int().describe("events refused; each is named in errors"),
		errors: z.array(IngestProblem).describe("why each refused event was refused, by index and field"),
		warnings: z
			.array(IngestProblem)
			.describe(
				"values of stored events that were repaired or not used (NUL characters, an email that is not an address)",
			),
	})
	.openapi("IngestResult");
export type IngestResult = z.infer<typeof IngestResult>;
