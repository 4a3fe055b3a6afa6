import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { deleteLead, getLead, leadEvents, listLeads, updateLead } from "../app/leads.js";
import { EventPage, EventPageQuery, LeadDetail, LeadListQuery, LeadPage, LeadPatch } from "../schemas/leads.js";
import type { Db } from "../storage/database.js";
import { type AuthEnv, requireKey } from "./auth.js";

const ErrorResponse = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).openapi("Error");
const json = <T extends z.ZodType>(schema: T, description: string) => ({
	description,
	content: { "application/json": { schema } },
});
const notFound = json(ErrorResponse, "No such lead");
const LeadId = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" }, example: "0b5f…" }) });
const security = [{ bearer: [] }];

export function registerLeadRoutes(app: OpenAPIHono<AuthEnv>, db: Db) {
	app.use("/v1/leads", requireKey(db, "secret"));
	app.use("/v1/leads/*", requireKey(db, "secret"));

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
			method: "patch",
			path: "/v1/leads/{id}",
			tags: ["Leads"],
			summary: "Update traits or consent",
			security,
			request: { params: LeadId, body: { content: { "application/json": { schema: LeadPatch } }, required: true } },
			responses: { 200: json(LeadDetail, "The updated lead"), 404: notFound },
		}),
		async (c) => c.json(await updateLead(db, c.req.valid("param").id, c.req.valid("json")), 200),
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
			await deleteLead(db, c.req.valid("param").id);
			return c.body(null, 204);
		},
	);
}
