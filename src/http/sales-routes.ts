import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { acceptHandoff, getHandoff, listHandoffs, logTouch, rejectHandoff } from "../app/handoffs.js";
import {
	createOwner,
	createRoutingRule,
	createTeam,
	deleteRoutingRule,
	deleteTeam,
	listOwners,
	listRoutingRules,
	listTeams,
	updateOwner,
	updateRoutingRule,
	updateTeam,
} from "../app/sales-setup.js";
import type { Clock } from "../domain/clock.js";
import {
	Handoff,
	HandoffList,
	HandoffListQuery,
	Owner,
	OwnerInput,
	OwnerListQuery,
	RejectInput,
	RoutingRule,
	RoutingRuleInput,
	Team,
	TeamDeleted,
	TeamDeleteQuery,
	TeamInput,
	TouchInput,
} from "../schemas/handoff.js";
import { listOf } from "../schemas/list.js";
import type { Db } from "../storage/database.js";
import { type AuthEnv, requireRole, salesActorOf } from "./auth.js";
import { handoffStream, type Listen } from "./handoff-stream.js";
import { ErrorResponse, json, jsonBody, pathId, secretKey } from "./route-helpers.js";

const security = secretKey;
const Id = pathId("3f9a…");
const notFound = json(ErrorResponse, "Not found");

export function registerSalesRoutes(
	app: OpenAPIHono<AuthEnv>,
	db: Db,
	events: { listen?: Listen; shutdown?: AbortSignal; clock: Clock },
) {
	const { clock } = events;
	const policies = {
		"/v1/teams": requireRole(db, { write: ["admin"] }),
		"/v1/owners": requireRole(db, { write: ["admin"] }),
		"/v1/routing-rules": requireRole(db, { write: ["admin"] }),
		"/v1/handoffs": requireRole(db, { write: ["admin", "sales"] }),
	};
	for (const [path, policy] of Object.entries(policies)) {
		app.use(path, policy);
		app.use(`${path}/*`, policy);
	}
	const tags = ["Sales"];

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/teams",
			tags,
			summary: "List teams",
			security,
			responses: { 200: json(listOf(Team), "Teams") },
		}),
		async (c) => c.json({ data: await listTeams(db) }, 200),
	);
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/teams",
			tags,
			summary: "Create a team",
			description:
				"A team has its business hours and zone, a first-touch SLA in business minutes, and what happens on a breach.",
			security,
			request: { body: jsonBody(TeamInput) },
			responses: { 201: json(Team, "The team"), 409: json(ErrorResponse, "The name is taken") },
		}),
		async (c) => c.json(await createTeam(db, c.req.valid("json")), 201),
	);
	app.openapi(
		createRoute({
			method: "put",
			path: "/v1/teams/{id}",
			tags,
			summary: "Replace a team's settings",
			security,
			request: { params: Id, body: jsonBody(TeamInput) },
			responses: { 200: json(Team, "The team"), 404: notFound },
		}),
		async (c) => c.json(await updateTeam(db, c.req.valid("param").id, c.req.valid("json")), 200),
	);
	app.openapi(
		createRoute({
			method: "delete",
			path: "/v1/teams/{id}",
			tags,
			summary: "Delete a team, moving its people, handoffs and routing rules to another",
			description:
				"A team with people, handoffs (open or past) or routing rules needs `moveTo`: all of them move to that team in one transaction, so no open handoff loses its team. The answer says what moved.",
			security,
			request: { params: Id, query: TeamDeleteQuery },
			responses: {
				200: json(TeamDeleted, "Deleted, with what moved"),
				404: notFound,
				409: json(ErrorResponse, "The team is not empty and no moveTo was given"),
			},
		}),
		async (c) => c.json(await deleteTeam(db, c.req.valid("param").id, c.req.valid("query").moveTo ?? null), 200),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/owners",
			tags,
			summary: "List owners (sales reps)",
			security,
			request: { query: OwnerListQuery },
			responses: { 200: json(listOf(Owner), "Owners with their open handoffs") },
		}),
		async (c) => c.json({ data: await listOwners(db, c.req.valid("query").teamId) }, 200),
	);
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/owners",
			tags,
			summary: "Add an owner to a team",
			security,
			request: { body: jsonBody(OwnerInput) },
			responses: { 201: json(Owner, "The owner"), 409: json(ErrorResponse, "The e-mail is taken") },
		}),
		async (c) => c.json(await createOwner(db, c.req.valid("json")), 201),
	);
	app.openapi(
		createRoute({
			method: "put",
			path: "/v1/owners/{id}",
			tags,
			summary: "Replace an owner's settings (away, cap, team)",
			security,
			request: { params: Id, body: jsonBody(OwnerInput) },
			responses: { 200: json(Owner, "The owner"), 404: notFound },
		}),
		async (c) => c.json(await updateOwner(db, c.req.valid("param").id, c.req.valid("json")), 200),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/routing-rules",
			tags,
			summary: "List routing rules in order",
			security,
			responses: { 200: json(listOf(RoutingRule), "Rules") },
		}),
		async (c) => c.json({ data: await listRoutingRules(db) }, 200),
	);
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/routing-rules",
			tags,
			summary: "Add a routing rule",
			description:
				"A condition on the lead (the scoring model's condition language: territory by country or region, industry, company size, named accounts by e-mail domain) and the team (or owner) it routes to. The first matching rule wins; a lead no rule matches goes to the first team.",
			security,
			request: { body: jsonBody(RoutingRuleInput) },
			responses: { 201: json(RoutingRule, "The rule"), 400: json(ErrorResponse, "The condition has problems") },
		}),
		async (c) => c.json(await createRoutingRule(db, c.req.valid("json")), 201),
	);
	app.openapi(
		createRoute({
			method: "put",
			path: "/v1/routing-rules/{id}",
			tags,
			summary: "Replace a routing rule (its condition, target, position or switch)",
			security,
			request: { params: Id, body: jsonBody(RoutingRuleInput) },
			responses: {
				200: json(RoutingRule, "The rule"),
				400: json(ErrorResponse, "The condition has problems"),
				404: notFound,
			},
		}),
		async (c) => c.json(await updateRoutingRule(db, c.req.valid("param").id, c.req.valid("json")), 200),
	);
	app.openapi(
		createRoute({
			method: "delete",
			path: "/v1/routing-rules/{id}",
			tags,
			summary: "Remove a routing rule",
			security,
			request: { params: Id },
			responses: { 204: { description: "Removed" }, 404: notFound },
		}),
		async (c) => {
			await deleteRoutingRule(db, c.req.valid("param").id);
			return c.body(null, 204);
		},
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/handoffs",
			tags,
			summary: "A sales queue",
			description:
				"Open handoffs first, by first-touch due time; each with the lead's grade, temperature and why it qualified.",
			security,
			request: { query: HandoffListQuery },
			responses: { 200: json(HandoffList, "Handoffs") },
		}),
		async (c) => {
			const q = c.req.valid("query");
			// A rep's queue is their own, whatever the query asks for.
			const ownerId = salesActorOf(c.get("principal")).ownerId ?? q.ownerId ?? null;
			const filter = {
				limit: q.limit,
				...(ownerId ? { ownerId } : {}),
				...(q.teamId ? { teamId: q.teamId } : {}),
				...(q.status ? { status: q.status } : {}),
			};
			return c.json({ ...(await listHandoffs(db, filter)), ownerId }, 200);
		},
	);
	// Before /v1/handoffs/{id}, which would take "events" for an id.
	if (events.listen) {
		app.get("/v1/handoffs/events", handoffStream(events.listen, events.shutdown));
		app.openAPIRegistry.registerPath({
			method: "get",
			path: "/v1/handoffs/events",
			tags,
			summary: "Changes to handoffs, as server-sent events",
			description:
				"An event `ready` once listening, then `changed` whenever a handoff is assigned, touched, accepted, rejected or reassigned (committed), so an open queue can reload at once; a comment every 25 s keeps the stream open.",
			security,
			responses: {
				200: { description: "text/event-stream", content: { "text/event-stream": { schema: z.string() } } },
			},
		});
	}
	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/handoffs/{id}",
			tags,
			summary: "One handoff",
			security,
			request: { params: Id },
			responses: { 200: json(Handoff, "The handoff"), 404: notFound },
		}),
		async (c) => c.json(await getHandoff(db, c.req.valid("param").id), 200),
	);
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/handoffs/{id}/touch",
			tags,
			summary: "Log a touch (a call with its outcome, an e-mail, a meeting, or a note)",
			description: "The first touch that is not a note stops the SLA clock. A rep may touch only their own handoffs.",
			security,
			request: { params: Id, body: jsonBody(TouchInput) },
			responses: {
				200: json(Handoff, "The handoff"),
				403: json(ErrorResponse, "Another rep's handoff"),
				404: notFound,
				409: json(ErrorResponse, "Already decided"),
			},
		}),
		async (c) => {
			const actor = salesActorOf(c.get("principal"));
			return c.json(await logTouch(db, c.req.valid("param").id, c.req.valid("json"), actor, clock.now()), 200);
		},
	);
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/handoffs/{id}/accept",
			tags,
			summary: "Accept: the lead becomes an SQL",
			security,
			request: { params: Id },
			responses: { 200: json(Handoff, "The handoff"), 404: notFound, 409: json(ErrorResponse, "Already decided") },
		}),
		async (c) =>
			c.json(await acceptHandoff(db, c.req.valid("param").id, salesActorOf(c.get("principal")), clock.now()), 200),
	);
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/handoffs/{id}/reject",
			tags,
			summary: "Reject with a reason: back to nurture, or disqualified",
			security,
			request: { params: Id, body: jsonBody(RejectInput) },
			responses: { 200: json(Handoff, "The handoff"), 404: notFound, 409: json(ErrorResponse, "Already decided") },
		}),
		async (c) =>
			c.json(
				await rejectHandoff(
					db,
					c.req.valid("param").id,
					c.req.valid("json"),
					salesActorOf(c.get("principal")),
					clock.now(),
				),
				200,
			),
	);
}
