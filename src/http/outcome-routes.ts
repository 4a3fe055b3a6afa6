import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { findLive } from "../app/find-lead.js";
import { leadIdOf, outcomesOf, recordOutcome } from "../app/outcomes.js";
import type { Clock } from "../domain/clock.js";
import { AppError } from "../domain/errors.js";
import { listOf } from "../schemas/list.js";
import { Outcome, OutcomeRecorded, OutcomeRequest } from "../schemas/outcomes.js";
import type { Db } from "../storage/database.js";
import { type AuthEnv, actorIdOf, requireRole } from "./auth.js";
import { ErrorResponse, json, jsonBody, pathId, secretKey as security } from "./route-helpers.js";

/** What became of leads: opportunities and deals won or lost, from a CRM or by hand. */
export function registerOutcomeRoutes(app: OpenAPIHono<AuthEnv>, db: Db, clock: Clock) {
	app.use("/v1/outcomes", requireRole(db, { write: ["admin", "sales"] }));
	const tags = ["Leads", "Lifecycle"];
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/outcomes",
			tags,
			summary: "Record an outcome: an opportunity, or a deal won or lost",
			description:
				"Names the lead by id, by the external id it was imported or identified with (`userId`), or by e-mail. Moves the stage forward to what the outcome means (opportunity; won → customer; lost moves nothing), in the same transaction. The same outcome sent again is recorded once.",
			security,
			request: { body: jsonBody(OutcomeRequest) },
			responses: {
				201: json(OutcomeRecorded, "Recorded"),
				200: json(OutcomeRecorded, "Recorded before"),
				404: json(ErrorResponse, "No such lead"),
			},
		}),
		async (c) => {
			const { leadId, externalId, email, ...input } = c.req.valid("json");
			const id = await leadIdOf(db, {
				...(leadId ? { leadId } : {}),
				...(externalId ? { externalId } : {}),
				...(email ? { email } : {}),
			});
			if (!id) throw new AppError("not_found", `No lead ${leadId ?? externalId ?? email}.`);
			const recorded = await recordOutcome(db, id, input, {
				source: "api",
				actorId: actorIdOf(c.get("principal")),
				now: clock.now(),
			});
			return c.json(recorded, recorded.created ? 201 : 200);
		},
	);
	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/leads/{id}/outcomes",
			tags,
			summary: "A lead's outcomes, oldest first",
			security,
			request: { params: pathId("0b5f…") },
			responses: { 200: json(listOf(Outcome), "Outcomes"), 404: json(ErrorResponse, "No such lead") },
		}),
		async (c) => c.json({ data: await outcomesOf(db, (await findLive(db, c.req.valid("param").id)).id) }, 200),
	);
}
