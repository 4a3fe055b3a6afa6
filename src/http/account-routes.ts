import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import {
	accountTimeline,
	getAccount,
	getAccountSettings,
	listAccounts,
	saveAccountSettings,
	updateAccount,
} from "../app/accounts/accounts.js";
import type { Clock } from "../domain/clock.js";
import {
	AccountDetail,
	AccountListQuery,
	AccountPage,
	AccountPatch,
	AccountSettings,
	AccountTimeline,
} from "../schemas/accounts.js";
import type { Db } from "../storage/database.js";
import { type AuthEnv, requireRole } from "./auth.js";
import { ErrorResponse, json, jsonBody, pathId, secretKey as security } from "./route-helpers.js";

const AccountId = pathId("7c1d…");
const tags = ["Accounts"];
const notFound = json(ErrorResponse, "No such account");

export function registerAccountRoutes(app: OpenAPIHono<AuthEnv>, db: Db, clock: Clock) {
	// everyone reads companies; marketing and admins set their model and owners
	const access = requireRole(db, { write: ["admin", "marketing"] });
	app.use("/v1/accounts", access);
	app.use("/v1/accounts/*", access);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/accounts/settings",
			tags,
			summary: "The account model",
			description:
				"Fit rules on company traits (conditions in the segment language, trait tests only), the most engagement one person adds, and the thresholds at which a company qualifies (MQA).",
			security,
			responses: { 200: json(AccountSettings, "The model in force (the default until one is saved)") },
		}),
		async (c) => c.json(await getAccountSettings(db), 200),
	);

	app.openapi(
		createRoute({
			method: "put",
			path: "/v1/accounts/settings",
			tags,
			summary: "Change the account model",
			description:
				"Every company is recomputed under it; one that now qualifies becomes an MQA at once, and its most engaged person not yet with sales goes to the account's owner.",
			security,
			request: { body: jsonBody(AccountSettings) },
			responses: {
				200: json(AccountSettings, "The model saved, its conditions written back"),
				400: json(ErrorResponse, "A condition is wrong or tests more than company traits"),
			},
		}),
		async (c) => c.json(await saveAccountSettings(db, c.req.valid("json"), clock.now()), 200),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/accounts",
			tags,
			summary: "List companies",
			description:
				"Companies known from group calls and work e-mail domains (never free-mail ones), with their rolled-up fit and engagement, buying-group roles and MQA state.",
			security,
			request: { query: AccountListQuery },
			responses: { 200: json(AccountPage, "A page of companies and how many match") },
		}),
		async (c) => c.json(await listAccounts(db, c.req.valid("query")), 200),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/accounts/{id}",
			tags,
			summary: "A company: its people with their scores and roles, and its score explained",
			security,
			request: { params: AccountId },
			responses: { 200: json(AccountDetail, "The company"), 404: notFound },
		}),
		async (c) => c.json(await getAccount(db, c.req.valid("param").id), 200),
	);

	app.openapi(
		createRoute({
			method: "patch",
			path: "/v1/accounts/{id}",
			tags,
			summary: "Set a company's owner, or make it a named account",
			description:
				"Its people's next handoffs go to this owner; a named account keeps the owner even after an SLA breach.",
			security,
			request: { params: AccountId, body: jsonBody(AccountPatch) },
			responses: {
				200: json(AccountDetail, "The company"),
				400: json(ErrorResponse, "No such owner"),
				404: notFound,
			},
		}),
		async (c) => c.json(await updateAccount(db, c.req.valid("param").id, c.req.valid("json")), 200),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/accounts/{id}/timeline",
			tags,
			summary: "Every event of the company's people, newest first",
			security,
			request: {
				params: AccountId,
				query: z.object({
					limit: z.coerce.number().int().min(1).max(200).default(50),
					cursor: z.string().max(300).optional(),
				}),
			},
			responses: { 200: json(AccountTimeline, "A page of events"), 404: notFound },
		}),
		async (c) => c.json(await accountTimeline(db, c.req.valid("param").id, c.req.valid("query")), 200),
	);
}
