import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { previewSegment } from "../app/segments/preview-segment.js";
import type { Clock } from "../domain/clock.js";
import { SegmentPreview, SegmentPreviewRequest } from "../schemas/segments.js";
import type { Db } from "../storage/database.js";
import { type AuthEnv, requireRole } from "./auth.js";
import { ErrorResponse, json, jsonBody, secretKey as security } from "./route-helpers.js";

export function registerSegmentRoutes(app: OpenAPIHono<AuthEnv>, db: Db, clock: Clock) {
	// trying a segment writes nothing: every role may
	app.use("/v1/segments/*", requireRole(db, { write: ["admin", "marketing", "sales"] }));
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/segments/preview",
			tags: ["Segments"],
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
}
