import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { demoLoader, storeIsEmpty } from "../app/demo-loading.js";
import { countUsers, createUser } from "../app/users.js";
import type { Clock } from "../domain/clock.js";
import { AppError } from "../domain/errors.js";
import { DemoStatus } from "../schemas/setup.js";
import { SetupStatus, User, UserInput } from "../schemas/users.js";
import type { Db } from "../storage/database.js";
import { type AuthEnv, requireRole } from "./auth.js";
import { ErrorResponse, json, jsonBody, secretKey } from "./route-helpers.js";

/** First run: whether it is one, the first admin, and the demo loaded by the server itself. */
export function registerSetupRoutes(app: OpenAPIHono<AuthEnv>, db: Db, clock: Clock) {
	const tags = ["Users and sessions"];
	const demo = demoLoader(db, clock);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/setup-status",
			tags,
			summary: "Whether the first admin is still to be created, and whether the store is empty",
			description: "Open to anyone, so that the sign-in page can offer the first-run setup.",
			responses: { 200: json(SetupStatus, "First-run state") },
		}),
		async (c) => c.json({ needed: (await countUsers(db)) === 0, empty: await storeIsEmpty(db) }, 200),
	);

	app.use("/v1/setup", requireRole(db, { write: ["admin"] }));
	app.use("/v1/setup/*", requireRole(db, { read: ["admin"], write: ["admin"] }));
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/setup",
			tags,
			summary: "Create the first admin",
			description:
				"Only while no user exists, and only with the admin secret key printed at first run, so that nobody else can claim a new installation.",
			security: secretKey,
			request: { body: jsonBody(UserInput) },
			responses: { 201: json(User, "The first admin"), 409: json(ErrorResponse, "Users exist already") },
		}),
		async (c) => {
			const body = c.req.valid("json");
			if ((await countUsers(db)) > 0) throw new AppError("conflict", "Qualify is set up already: sign in instead.");
			return c.json(await createUser(db, { ...body, role: "admin" }), 201);
		},
	);

	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/setup/demo",
			tags,
			summary: "Load the demo into an empty store",
			description:
				"2,000 synthetic leads through the ingest path, with a demo sales team, loaded by the running server (so the command line need not open the store). Admins only; refused once the store has leads. Poll GET for progress.",
			security: secretKey,
			responses: { 202: json(DemoStatus, "Loading"), 409: json(ErrorResponse, "The store has leads") },
		}),
		async (c) => c.json(await demo.start(), 202),
	);
	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/setup/demo",
			tags,
			summary: "How loading the demo goes",
			security: secretKey,
			responses: { 200: json(DemoStatus, "Progress") },
		}),
		(c) => c.json(demo.status(), 200),
	);
}
