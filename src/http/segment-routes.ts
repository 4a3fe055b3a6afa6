import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { listMembersFromCsv } from "../app/segments/list-csv.js";
import { previewSegment } from "../app/segments/preview-segment.js";
import { segmentChanges, segmentHistory } from "../app/segments/segment-history.js";
import {
	changeListMembers,
	createSegment,
	deleteSegment,
	getSegment,
	listSegments,
	refreshSegment,
	updateSegment,
} from "../app/segments/segments.js";
import type { Clock } from "../domain/clock.js";
import { STARTING_SEGMENTS } from "../domain/segments/starting-segments.js";
import { listOf } from "../schemas/list.js";
import {
	Segment,
	SegmentChangePage,
	SegmentChangeQuery,
	SegmentCreate,
	SegmentDetail,
	SegmentHistory,
	SegmentHistoryQuery,
	SegmentMembersChange,
	SegmentPreview,
	SegmentPreviewRequest,
	SegmentRefresh,
	SegmentUpdate,
	StartingSegment,
} from "../schemas/segments.js";
import type { Db } from "../storage/database.js";
import { type AuthEnv, requireRole } from "./auth.js";
import { ErrorResponse, json, jsonBody, pathId, secretKey as security } from "./route-helpers.js";
import { uploadOf } from "./upload.js";

const SegmentId = pathId("3f2a…");
const tags = ["Segments"];
const notFound = json(ErrorResponse, "No such segment");

export function registerSegmentRoutes(app: OpenAPIHono<AuthEnv>, db: Db, clock: Clock) {
	// everyone reads segments; marketing and admins make, change and try them
	const access = requireRole(db, { write: ["admin", "marketing"] });
	app.use("/v1/segments", access);
	app.use("/v1/segments/*", access);
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/segments/preview",
			tags,
			summary: "Try a segment: how many leads it holds now, and some of them",
			description:
				'The condition as text (`stage = mql and country in ("DE", "AT") and count(page where path ^= "/pricing", 7d) >= 3 and days_since(stage_changed) > 14`) or as its tree. `and` binds tighter than `or`; a bare word on the right is text; names other than stage, consent, email, email_domain, fit, engagement, grade, temperature and predicted_chance are traits (`trait("Job title")` for any spelling). A mistake in the text is named by line and column with what was expected. Every value is a bound parameter.',
			security,
			request: { body: jsonBody(SegmentPreviewRequest) },
			responses: {
				200: json(SegmentPreview, "Its size now and a sample, newest activity first"),
				400: json(ErrorResponse, "The text or the tree is wrong: where, and what was expected"),
			},
		}),
		async (c) => c.json(await previewSegment(db, c.req.valid("json"), clock.now()), 200),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/segments/templates",
			tags,
			summary: "Segments to start from",
			description:
				"The seeds' advice as conditions to adapt: MQLs who replied or were called, by region, decision-makers in target industries, the journey's top, middle and bottom, MQLs waiting over 14 days, quiet lurkers.",
			security,
			responses: { 200: json(listOf(StartingSegment), "Each with why it helps and its text") },
		}),
		(c) => c.json({ data: [...STARTING_SEGMENTS] }, 200),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/segments",
			tags,
			summary: "List segments",
			description: "Each with its kind, its condition as text and how many leads are in it now.",
			security,
			responses: { 200: json(listOf(Segment), "The segments, by name") },
		}),
		async (c) => c.json({ data: await listSegments(db) }, 200),
	);

	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/segments",
			tags,
			summary: "Save a segment",
			description:
				"A dynamic segment (its condition as text or as its tree: see /v1/segments/preview) is filled at once, each member's entry logged; a static list starts empty and is kept by hand.",
			security,
			request: { body: jsonBody(SegmentCreate) },
			responses: {
				201: json(SegmentDetail, "The segment, with its members counted"),
				400: json(ErrorResponse, "The text or the tree is wrong: where, and what was expected"),
				409: json(ErrorResponse, "The name is taken"),
			},
		}),
		async (c) => c.json(await createSegment(db, c.req.valid("json"), clock.now()), 201),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/segments/{id}",
			tags,
			summary: "A segment, with its latest entries and exits",
			security,
			request: { params: SegmentId },
			responses: { 200: json(SegmentDetail, "The segment"), 404: notFound },
		}),
		async (c) => c.json(await getSegment(db, c.req.valid("param").id), 200),
	);

	app.openapi(
		createRoute({
			method: "patch",
			path: "/v1/segments/{id}",
			tags,
			summary: "Rename a segment or change its condition",
			description:
				"A new condition takes effect at once: the segment is brought up to date in the same transaction (each entry and exit logged), and so are the segments that name it. A segment that others name keeps its name; a condition may not lean on its own segment through others.",
			security,
			request: { params: SegmentId, body: jsonBody(SegmentUpdate) },
			responses: {
				200: json(SegmentDetail, "The segment as it is now"),
				400: json(ErrorResponse, "The text or the tree is wrong, or the name or condition would break another segment"),
				404: notFound,
				409: json(ErrorResponse, "The name is taken, or a static list was given a condition"),
			},
		}),
		async (c) => c.json(await updateSegment(db, c.req.valid("param").id, c.req.valid("json"), clock.now()), 200),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/segments/{id}/history",
			tags,
			summary: "A segment's size over time",
			description:
				"Members at the end of each of the last `days` days in `zone`, with how many entered and left that day; the last day's size is the segment's members now.",
			security,
			request: { params: SegmentId, query: SegmentHistoryQuery },
			responses: { 200: json(SegmentHistory, "One row a day, oldest first"), 404: notFound },
		}),
		async (c) => c.json(await segmentHistory(db, c.req.valid("param").id, c.req.valid("query"), clock.now()), 200),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/segments/{id}/changes",
			tags,
			summary: "A segment's entries and exits, newest first",
			security,
			request: { params: SegmentId, query: SegmentChangeQuery },
			responses: { 200: json(SegmentChangePage, "A page of entries and exits"), 404: notFound },
		}),
		async (c) => c.json(await segmentChanges(db, c.req.valid("param").id, c.req.valid("query")), 200),
	);

	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/segments/{id}/members.csv",
			tags,
			summary: "Add or remove a static list's members from a CSV",
			description:
				"The body is a CSV (text/csv) with a column headed email or id (lead_id), or one column of e-mail addresses. Every row must name a live lead: if one does not, nothing changes and the rows are named by line.",
			security,
			request: {
				params: SegmentId,
				query: z.object({ action: z.enum(["add", "remove"]).default("add") }),
			},
			responses: {
				200: json(SegmentRefresh.extend({ rows: z.number().int() }), "How many entered and left, of how many rows"),
				400: json(ErrorResponse, "A row names no lead, or the file names no column"),
				404: notFound,
				409: json(ErrorResponse, "A dynamic segment"),
			},
		}),
		async (c) =>
			c.json(
				await listMembersFromCsv(
					db,
					c.req.valid("param").id,
					uploadOf(c.req.raw.body),
					c.req.valid("query").action,
					clock.now(),
				),
				200,
			),
	);

	app.openapi(
		createRoute({
			method: "delete",
			path: "/v1/segments/{id}",
			tags,
			summary: "Delete a segment, its members and its log",
			security,
			request: { params: SegmentId },
			responses: { 204: { description: "Deleted" }, 404: notFound },
		}),
		async (c) => {
			await deleteSegment(db, c.req.valid("param").id);
			return c.body(null, 204);
		},
	);

	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/segments/{id}/refresh",
			tags,
			summary: "Bring a dynamic segment up to date now",
			description: "The leads its condition selects now enter, the others leave; each entry and exit is logged.",
			security,
			request: { params: SegmentId },
			responses: {
				200: json(SegmentRefresh, "How many entered and left"),
				404: notFound,
				409: json(ErrorResponse, "A static list"),
			},
		}),
		async (c) => c.json(await refreshSegment(db, c.req.valid("param").id, clock.now()), 200),
	);

	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/segments/{id}/members",
			tags,
			summary: "Add and remove members of a static list",
			security,
			request: { params: SegmentId, body: jsonBody(SegmentMembersChange) },
			responses: {
				200: json(SegmentRefresh, "How many entered and left"),
				400: json(ErrorResponse, "A lead to add does not exist"),
				404: notFound,
				409: json(ErrorResponse, "A dynamic segment"),
			},
		}),
		async (c) => c.json(await changeListMembers(db, c.req.valid("param").id, c.req.valid("json"), clock.now()), 200),
	);
}
