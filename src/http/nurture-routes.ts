import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { recordEmailFeedback } from "../app/nurture/email-feedback.js";
import { enrolByHand, leadEnrolments, removeEnrolment } from "../app/nurture/enrolments.js";
import { nurtureSettings, saveNurtureSettings } from "../app/nurture/nurture-settings.js";
import { sequenceResults } from "../app/nurture/sequence-results.js";
import {
	createSequence,
	getSequence,
	listSequences,
	setSequenceStatus,
	updateSequence,
} from "../app/nurture/sequences.js";
import {
	createTemplate,
	deleteTemplate,
	getTemplate,
	listTemplates,
	previewTemplate,
	updateTemplate,
} from "../app/nurture/templates.js";
import type { Clock } from "../domain/clock.js";
import {
	EmailFeedback,
	Enrolment,
	EnrolRequest,
	EnrolResult,
	NurtureSettings,
	RenderedEmail,
	Sequence,
	SequenceInput,
	SequenceResults,
	SequenceStatusChange,
	Template,
	TemplateInput,
	TemplatePreviewRequest,
} from "../schemas/nurture.js";
import type { Db } from "../storage/database.js";
import { type AuthEnv, requireRole } from "./auth.js";
import { ErrorResponse, json, jsonBody, secretKey as security, uuidPathId } from "./route-helpers.js";

const Id = uuidPathId("5b0c…");
const notFound = json(ErrorResponse, "Not found");
const invalid = json(ErrorResponse, "The input has problems, each named by field");

export function registerNurtureRoutes(app: OpenAPIHono<AuthEnv>, db: Db, clock: Clock) {
	// marketing and admins run nurture; sales reads it (a lead's enrolments on its page)
	const access = requireRole(db, { write: ["admin", "marketing"] });
	for (const path of ["/v1/templates", "/v1/templates/*", "/v1/sequences", "/v1/sequences/*", "/v1/nurture/*"])
		app.use(path, access);
	app.use("/v1/enrolments/*", requireRole(db, { write: ["admin", "marketing"] }));
	app.use("/v1/email/feedback", requireRole(db, { write: ["admin"] }));

	const tags = ["Nurture"];
	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/templates",
			tags,
			summary: "E-mail templates",
			security,
			responses: { 200: json(z.object({ data: z.array(Template) }), "Every template, by name") },
		}),
		async (c) => c.json({ data: await listTemplates(db) }, 200),
	);
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/templates",
			tags,
			summary: "Save a new template",
			description:
				'Liquid with `lead.*`, `owner.*`, `account.*`, `unsubscribe_url` and fallbacks such as `{{ lead.first_name | default: "there" }}`. A field no lead has, a filter that does not exist or Liquid that does not parse is refused, named by part.',
			security,
			request: { body: jsonBody(TemplateInput) },
			responses: { 201: json(Template, "Saved"), 400: invalid, 409: json(ErrorResponse, "The name is taken") },
		}),
		async (c) => c.json(await createTemplate(db, c.req.valid("json")), 201),
	);
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/templates/preview",
			tags,
			summary: "Render a template for a lead",
			description: "What the chosen lead (or a made-up one) would get; lead-supplied values are escaped in the HTML.",
			security,
			request: { body: jsonBody(TemplatePreviewRequest) },
			responses: { 200: json(RenderedEmail, "The e-mail"), 400: invalid, 404: notFound },
		}),
		async (c) => c.json(await previewTemplate(db, c.req.valid("json")), 200),
	);
	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/templates/{id}",
			tags,
			summary: "A template",
			security,
			request: { params: Id },
			responses: { 200: json(Template, "The template"), 404: notFound },
		}),
		async (c) => c.json(await getTemplate(db, c.req.valid("param").id), 200),
	);
	app.openapi(
		createRoute({
			method: "put",
			path: "/v1/templates/{id}",
			tags,
			summary: "Change a template",
			description: "E-mails not yet sent use the new wording.",
			security,
			request: { params: Id, body: jsonBody(TemplateInput) },
			responses: { 200: json(Template, "Saved"), 400: invalid, 404: notFound },
		}),
		async (c) => c.json(await updateTemplate(db, c.req.valid("param").id, c.req.valid("json")), 200),
	);
	app.openapi(
		createRoute({
			method: "delete",
			path: "/v1/templates/{id}",
			tags,
			summary: "Delete a template no running sequence sends",
			security,
			request: { params: Id },
			responses: { 204: { description: "Deleted" }, 404: notFound, 409: json(ErrorResponse, "A sequence sends it") },
		}),
		async (c) => {
			await deleteTemplate(db, c.req.valid("param").id);
			return c.body(null, 204);
		},
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/sequences",
			tags,
			summary: "Nurture sequences",
			security,
			responses: { 200: json(z.object({ data: z.array(Sequence) }), "Every sequence with its current version") },
		}),
		async (c) => c.json({ data: await listSequences(db) }, 200),
	);
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/sequences",
			tags,
			summary: "Save a new sequence (as a draft)",
			description:
				"A trigger, steps (email, wait, wait_until, branch, update_traits, notify_owner, move_to, exit), exits, a re-entry policy and a holdout share.",
			security,
			request: { body: jsonBody(SequenceInput) },
			responses: {
				201: json(Sequence, "Saved as a draft"),
				400: invalid,
				409: json(ErrorResponse, "The name is taken"),
			},
		}),
		async (c) => c.json(await createSequence(db, c.req.valid("json")), 201),
	);
	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/sequences/{id}",
			tags,
			summary: "A sequence",
			security,
			request: { params: Id },
			responses: { 200: json(Sequence, "The sequence"), 404: notFound },
		}),
		async (c) => c.json(await getSequence(db, c.req.valid("param").id), 200),
	);
	app.openapi(
		createRoute({
			method: "put",
			path: "/v1/sequences/{id}",
			tags,
			summary: "Save a new version of a sequence",
			description: "Leads entering from now on follow it; those on their way finish the version they started.",
			security,
			request: { params: Id, body: jsonBody(SequenceInput) },
			responses: { 200: json(Sequence, "The new version"), 400: invalid, 404: notFound },
		}),
		async (c) => c.json(await updateSequence(db, c.req.valid("param").id, c.req.valid("json")), 200),
	);
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/sequences/{id}/status",
			tags,
			summary: "Start, pause or archive a sequence",
			description: "Paused: enrolments wait where they are. Archived: they end.",
			security,
			request: { params: Id, body: jsonBody(SequenceStatusChange) },
			responses: { 200: json(Sequence, "The sequence"), 404: notFound },
		}),
		async (c) =>
			c.json(await setSequenceStatus(db, c.req.valid("param").id, c.req.valid("json").status, clock.now()), 200),
	);
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/sequences/{id}/enrolments",
			tags,
			summary: "Enrol leads by hand, or a segment's or list's members",
			security,
			request: { params: Id, body: jsonBody(EnrolRequest) },
			responses: { 200: json(EnrolResult, "How many entered"), 404: notFound, 409: json(ErrorResponse, "Not running") },
		}),
		async (c) => c.json(await enrolByHand(db, c.req.valid("param").id, c.req.valid("json"), clock.now()), 200),
	);
	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/sequences/{id}/results",
			tags,
			summary: "What a sequence did",
			description:
				"Per e-mail step: sent, delivered, opened and clicked by people and by machines apart, replied, unsubscribed, bounced, complained; and how many enrolled leads reached MQL and SQL within the settings' days, against the holdout.",
			security,
			request: { params: Id },
			responses: { 200: json(SequenceResults, "The results"), 404: notFound },
		}),
		async (c) => c.json(await sequenceResults(db, c.req.valid("param").id), 200),
	);
	app.openapi(
		createRoute({
			method: "delete",
			path: "/v1/enrolments/{id}",
			tags,
			summary: "Take a lead out of a sequence",
			security,
			request: { params: Id },
			responses: { 204: { description: "Removed" }, 404: notFound, 409: json(ErrorResponse, "Ended already") },
		}),
		async (c) => {
			await removeEnrolment(db, c.req.valid("param").id, clock.now());
			return c.body(null, 204);
		},
	);
	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/leads/{id}/enrolments",
			tags,
			summary: "A lead's enrolments",
			security,
			request: { params: Id },
			responses: { 200: json(z.object({ data: z.array(Enrolment) }), "Newest first") },
		}),
		async (c) => c.json({ data: await leadEnrolments(db, c.req.valid("param").id) }, 200),
	);
	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/nurture/settings",
			tags,
			summary: "The nurture settings",
			security,
			responses: { 200: json(NurtureSettings, "The weekly cap, quiet hours, pause limits and results window") },
		}),
		async (c) => c.json(await nurtureSettings(db), 200),
	);
	app.openapi(
		createRoute({
			method: "put",
			path: "/v1/nurture/settings",
			tags,
			summary: "Change the nurture settings",
			security,
			request: { body: jsonBody(NurtureSettings) },
			responses: { 200: json(NurtureSettings, "Saved"), 400: invalid },
		}),
		async (c) => c.json(await saveNurtureSettings(db, c.req.valid("json")), 200),
	);
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/email/feedback",
			tags,
			summary: "Bounces and complaints from the mail provider",
			description:
				"A hard bounce or a complaint suppresses the address at once and ends its enrolments; a soft bounce is recorded.",
			security,
			request: { body: jsonBody(EmailFeedback) },
			responses: { 200: json(z.object({ recorded: z.number().int() }), "Recorded"), 400: invalid },
		}),
		async (c) => c.json(await recordEmailFeedback(db, c.req.valid("json"), clock.now()), 200),
	);
}
