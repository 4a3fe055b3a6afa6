import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { stream } from "hono/streaming";
import { findLive } from "../app/find-lead.js";
import { explainLeadScore } from "../app/lead-score.js";
import { deleteLead, getLead, leadEvents, listLeads, updateLead } from "../app/leads.js";
import { leadsCsv } from "../app/leads-csv.js";
import { changeStage, stageHistory } from "../app/stage-moves.js";
import { listTouches, recordTouch } from "../app/touches.js";
import type { Clock } from "../domain/clock.js";
import { AppError } from "../domain/errors.js";
import { movesFor } from "../domain/lifecycle.js";
import { isStage } from "../domain/stages.js";
import { Touch, TouchInput } from "../schemas/handoff.js";
import { EventPage, EventPageQuery, LeadDetail, LeadListQuery, LeadPage, LeadPatch } from "../schemas/leads.js";
import { StageChange, StageMoveRequest, StageMoves } from "../schemas/lifecycle.js";
import { listOf } from "../schemas/list.js";
import { LeadScore, LeadScoreQuery } from "../schemas/scoring-model.js";
import type { Db } from "../storage/database.js";
import { type AuthEnv, actorIdOf, requireRole, roleOf, salesActorOf } from "./auth.js";
import { ErrorResponse, json, jsonBody, pathId, secretKey } from "./route-helpers.js";

const notFound = json(ErrorResponse, "No such lead");
const LeadId = pathId("0b5f…");
const security = secretKey;

export function registerLeadRoutes(app: OpenAPIHono<AuthEnv>, db: Db, clock: Clock) {
	const access = requireRole(db, { write: ["admin", "marketing", "sales"] });
	app.use("/v1/leads", access);
	app.use("/v1/leads/*", access);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/leads",
			tags: ["Leads"],
			summary: "List leads",
			security,
			request: { query: LeadListQuery },
			responses: { 200: json(LeadPage, "A page of leads; pass nextCursor as cursor for the next") },
		}),
		async (c) => c.json(await listLeads(db, c.req.valid("query")), 200),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/leads/export.csv",
			tags: ["Leads"],
			summary: "Export the leads the filters match, as CSV",
			description:
				"Streamed a page at a time. Cells a spreadsheet would read as formulas are prefixed with a quote mark.",
			security,
			request: { query: LeadListQuery.omit({ cursor: true, limit: true }) },
			responses: { 200: { description: "CSV", content: { "text/csv": { schema: z.string() } } } },
		}),
		(c) => {
			const lines = leadsCsv(db, c.req.valid("query"));
			c.header("content-type", "text/csv; charset=utf-8");
			c.header("content-disposition", 'attachment; filename="qualify-leads.csv"');
			return stream(c, async (out) => {
				for await (const line of lines) await out.write(line);
			});
		},
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/leads/{id}",
			tags: ["Leads"],
			summary: "Get one lead",
			description: "An id of a lead that was merged into another answers with the lead it became.",
			security,
			request: { params: LeadId },
			responses: { 200: json(LeadDetail, "The lead"), 404: notFound },
		}),
		async (c) => c.json(await getLead(db, c.req.valid("param").id), 200),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/leads/{id}/events",
			tags: ["Leads"],
			summary: "A lead's timeline, newest first",
			security,
			request: { params: LeadId, query: EventPageQuery },
			responses: { 200: json(EventPage, "A page of events"), 404: notFound },
		}),
		async (c) => c.json(await leadEvents(db, c.req.valid("param").id, c.req.valid("query")), 200),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/leads/{id}/score",
			tags: ["Leads", "Scoring"],
			summary: "A lead's score, explained",
			description:
				"Fit, engagement, grade, temperature and whether the lead qualifies, with every contributing rule: its points when the events happened, its decayed points at the moment of the score, and the events behind it. `at` gives the score at a past moment (fit reads the current profile).",
			security,
			request: { params: LeadId, query: LeadScoreQuery },
			responses: { 200: json(LeadScore, "The score and its explanation"), 404: notFound },
		}),
		async (c) => {
			const { at, version } = c.req.valid("query");
			const score = await explainLeadScore(db, c.req.valid("param").id, {
				at: at ? new Date(at) : clock.now(),
				...(version ? { version } : {}),
			});
			return c.json(score, 200);
		},
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/leads/{id}/stages",
			tags: ["Leads", "Lifecycle"],
			summary: "A lead's stage history, newest first",
			security,
			request: { params: LeadId },
			responses: { 200: json(listOf(StageChange), "Every stage change"), 404: notFound },
		}),
		async (c) => c.json({ data: await stageHistory(db, c.req.valid("param").id) }, 200),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/leads/{id}/moves",
			tags: ["Leads", "Lifecycle"],
			summary: "The stage moves the caller may make",
			description:
				"From the lead's stage, for the caller's role, each with what it needs (`reason`, `rejection`), as the transition table says.",
			security,
			request: { params: LeadId },
			responses: {
				200: json(StageMoves, "The moves"),
				404: notFound,
			},
		}),
		async (c) => {
			const lead = await findLive(db, c.req.valid("param").id);
			const actor = roleOf(c.get("principal")) ?? "sales";
			const stage = isStage(lead.stage) ? lead.stage : "lead";
			return c.json({ stage, moves: movesFor(stage, actor) }, 200);
		},
	);

	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/leads/{id}/stage",
			tags: ["Leads", "Lifecycle"],
			summary: "Move a lead to another stage",
			description:
				"Checked against the lifecycle's transition table: who may make the move, and what it needs (a reason; a rejection reason when sales turns a lead down). A secret key acts as an admin.",
			security,
			request: {
				params: LeadId,
				body: { content: { "application/json": { schema: StageMoveRequest } }, required: true },
			},
			responses: {
				204: { description: "Moved" },
				400: json(ErrorResponse, "A reason or rejection reason is missing"),
				404: notFound,
				409: json(ErrorResponse, "The move is not allowed"),
			},
		}),
		async (c) => {
			const body = c.req.valid("json");
			const principal = c.get("principal");
			const actor = roleOf(principal) ?? "sales";
			await changeStage(db, c.req.valid("param").id, {
				...body,
				actor,
				actorId: actorIdOf(principal),
				now: clock.now(),
			});
			return c.body(null, 204);
		},
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/leads/{id}/touches",
			tags: ["Leads", "Sales"],
			summary: "A lead's calls, e-mails, meetings and notes, newest first",
			security,
			request: { params: LeadId },
			responses: { 200: json(listOf(Touch), "Every touch"), 404: notFound },
		}),
		async (c) => c.json({ data: await listTouches(db, c.req.valid("param").id) }, 200),
	);

	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/leads/{id}/touches",
			tags: ["Leads", "Sales"],
			summary: "Log a call with its outcome, an e-mail, a meeting or a note",
			description:
				"The first touch that is not a note stops the open handoff's SLA clock. Sales and admins only; a rep only on leads in their own queue.",
			security,
			request: { params: LeadId, body: jsonBody(TouchInput) },
			responses: {
				201: json(Touch, "The touch"),
				403: json(ErrorResponse, "Marketing, or another rep's lead"),
				404: notFound,
			},
		}),
		async (c) => {
			const principal = c.get("principal");
			if (roleOf(principal) === "marketing") throw new AppError("forbidden", "Only sales and admins log touches.");
			const touch = await recordTouch(
				db,
				c.req.valid("param").id,
				c.req.valid("json"),
				salesActorOf(principal),
				clock.now(),
			);
			return c.json(touch, 201);
		},
	);

	app.openapi(
		createRoute({
			method: "patch",
			path: "/v1/leads/{id}",
			tags: ["Leads"],
			summary: "Update traits or consent",
			security,
			request: { params: LeadId, body: { content: { "application/json": { schema: LeadPatch } }, required: true } },
			responses: { 200: json(LeadDetail, "The updated lead"), 404: notFound },
		}),
		async (c) => c.json(await updateLead(db, c.req.valid("param").id, c.req.valid("json"), clock.now()), 200),
	);

	app.openapi(
		createRoute({
			method: "delete",
			path: "/v1/leads/{id}",
			tags: ["Leads"],
			summary: "Erase a lead and its events",
			security,
			request: { params: LeadId },
			responses: { 204: { description: "Erased" }, 404: notFound },
		}),
		async (c) => {
			if (roleOf(c.get("principal")) === "sales") throw new AppError("forbidden", "Sales may not erase leads.");
			await deleteLead(db, c.req.valid("param").id, clock.now());
			return c.body(null, 204);
		},
	);
}
