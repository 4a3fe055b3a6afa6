import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { createWebinar, listWebinars, receiveWebinarHook, recordAttendance } from "../app/capture/webinars.js";
import type { Clock } from "../domain/clock.js";
import { AppError } from "../domain/errors.js";
import { isUuid } from "../domain/ids.js";
import { AttendanceReport, Webinar, WebinarInput } from "../schemas/webinars.js";
import type { Db } from "../storage/database.js";
import { type AuthEnv, requireRole } from "./auth.js";
import { ErrorResponse, json, jsonBody, secretKey as security, uuidPathId } from "./route-helpers.js";
import { uploadOf } from "./upload.js";

const tags = ["Capture"];
const Id = uuidPathId("0c2e…");

export function registerWebinarRoutes(app: OpenAPIHono<AuthEnv>, db: Db, options: { clock: Clock; publicUrl: string }) {
	const access = requireRole(db, { read: ["admin", "marketing"], write: ["admin", "marketing"] });
	app.use("/v1/webinars", access);
	app.use("/v1/webinars/*", access);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/webinars",
			tags,
			summary: "Webinars",
			security,
			responses: { 200: json(z.object({ data: z.array(Webinar) }), "Newest first") },
		}),
		async (c) => c.json({ data: await listWebinars(db, options.publicUrl) }, 200),
	);
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/webinars",
			tags,
			summary: "Add a webinar",
			description:
				"Registration is a form whose definition names the webinar (`webinar_registered`); attendance comes from the platform's attendee CSV or its signed webhook (`webinar_attended` with the minutes).",
			security,
			request: { body: jsonBody(WebinarInput) },
			responses: { 201: json(Webinar, "Added"), 409: json(ErrorResponse, "Name taken") },
		}),
		async (c) => c.json(await createWebinar(db, c.req.valid("json"), options.publicUrl), 201),
	);
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/webinars/{id}/attendance.csv",
			tags,
			summary: "Upload the attendee report",
			description:
				"The CSV the webinar platform exports (Zoom, GoToWebinar, Webex…): the header is found past any preamble, by Email and Time in Session (or Duration, Minutes); rejoins add up. All or nothing; uploading it again changes nothing.",
			security,
			request: { params: Id, body: { content: { "text/csv": { schema: z.string() } }, required: true } },
			responses: {
				200: json(AttendanceReport, "Recorded"),
				400: json(ErrorResponse, "Rows that cannot be read, by line"),
			},
		}),
		async (c) =>
			c.json(await recordAttendance(db, c.req.valid("param").id, uploadOf(c.req.raw.body), options.clock.now()), 200),
	);

	app.post("/hooks/webinars/:id", async (c) => {
		if (!isUuid(c.req.param("id"))) throw new AppError("not_found", "No such webinar.");
		const body = await c.req.text();
		if (body.length > 1_000_000) throw new AppError("payload_too_large", "A post may be at most 1,000,000 bytes.");
		const answer = await receiveWebinarHook(
			db,
			c.req.param("id"),
			body,
			{ signature: c.req.header("x-zm-signature"), timestamp: c.req.header("x-zm-request-timestamp") },
			options.clock.now(),
		);
		return c.json(answer, 200);
	});
}
