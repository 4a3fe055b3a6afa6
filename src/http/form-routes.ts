import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { getCookie } from "hono/cookie";
import { createForm, formResults, getForm, listForms, recordStart, showForm, updateForm } from "../app/forms/forms.js";
import { downloadTarget } from "../app/forms/lead-magnet.js";
import { checkConfirmation, confirmSubmission } from "../app/forms/opt-in.js";
import { shownAt, shownToken, submitForm } from "../app/forms/submit-form.js";
import type { Clock } from "../domain/clock.js";
import { escapeHtml } from "../email/escape.js";
import { Form, FormDefinition, FormInput, FormResults } from "../schemas/forms.js";
import type { Db } from "../storage/database.js";
import { type AuthEnv, requireRole } from "./auth.js";
import { clientAddress } from "./client-address.js";
import { renderFormPage, renderRefused, renderThanks } from "./form-page.js";
import { perMinute } from "./per-minute.js";
import { publicPage } from "./public-page.js";
import { ErrorResponse, json, jsonBody, secretKey as security, uuidPathId } from "./route-helpers.js";

const Id = uuidPathId("3f9a…");
const tags = ["Forms"];
const notFound = json(ErrorResponse, "No such form");

/** Submissions a client address may make a minute, across forms (per process). */
export const SUBMISSIONS_PER_MINUTE = 10;
/** Form starts a client address may report a minute (one per page view is what a person makes). */
const STARTS_PER_MINUTE = 60;

const noSuchForm = () => publicPage("No such form", "<h1>No such form</h1>");
const notValidLink = () => publicPage("Link not valid", "<h1>This link is not valid</h1>");
const expired = (again: string) => publicPage("Link expired", `<h1>This link has expired</h1><p>${again}</p>`);

/** The anonymous id the site's tracker keeps (analytics.js writes it JSON-quoted), or the form's own field. */
function anonymousIdOf(cookie: string | undefined, field: string | undefined): string | null {
	const raw = (cookie ?? field ?? "").replace(/^"|"$/g, "").trim();
	return /^[\w.:-]{1,200}$/.test(raw) ? raw : null;
}

export function registerFormRoutes(
	app: OpenAPIHono<AuthEnv>,
	db: Db,
	options: { clock: Clock; publicUrl: string; trustProxy: boolean },
) {
	const { clock, publicUrl } = options;
	const access = requireRole(db, { read: ["admin", "marketing"], write: ["admin", "marketing"] });
	app.use("/v1/forms", access);
	app.use("/v1/forms/*", access);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/forms",
			tags,
			summary: "Forms",
			security,
			responses: { 200: json(z.object({ data: z.array(Form) }), "Every form, by name") },
		}),
		async (c) => c.json({ data: await listForms(db, publicUrl) }, 200),
	);
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/forms",
			tags,
			summary: "Make a form",
			description:
				"Fields (each the trait it fills; a required `email` identifies the lead), an optional consent checkbox, a thank-you message or redirect. It is served at /f/{slug} and works without JavaScript.",
			security,
			request: { body: jsonBody(FormInput) },
			responses: {
				201: json(Form, "Made"),
				400: json(ErrorResponse, "Not valid"),
				409: json(ErrorResponse, "Slug taken"),
			},
		}),
		async (c) => c.json(await createForm(db, c.req.valid("json"), publicUrl), 201),
	);
	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/forms/{id}",
			tags,
			summary: "A form",
			security,
			request: { params: Id },
			responses: { 200: json(Form, "The form"), 404: notFound },
		}),
		async (c) => c.json(await getForm(db, c.req.valid("param").id, publicUrl), 200),
	);
	app.openapi(
		createRoute({
			method: "put",
			path: "/v1/forms/{id}",
			tags,
			summary: "Change a form",
			security,
			request: { params: Id, body: jsonBody(FormInput) },
			responses: { 200: json(Form, "Saved"), 400: json(ErrorResponse, "Not valid"), 404: notFound },
		}),
		async (c) => c.json(await updateForm(db, c.req.valid("param").id, c.req.valid("json"), publicUrl), 200),
	);
	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/forms/{id}/results",
			tags,
			summary: "What a form brought",
			description:
				"Views, submissions, the leads who submitted, conversion, and how many of them became MQLs and SQLs.",
			security,
			request: { params: Id },
			responses: { 200: json(FormResults, "The results"), 404: notFound },
		}),
		async (c) => c.json(await formResults(db, c.req.valid("param").id), 200),
	);

	// A lead magnet's link: the form's own address for it, once the signature and the time hold.
	app.get("/d/:token", async (c) => {
		const target = await downloadTarget(db, c.req.param("token"), clock.now());
		if (target === "expired") return c.html(expired("Fill in the form again for a new one."), 410);
		if (!target) return c.html(notValidLink(), 404);
		return c.redirect(target, 302);
	});

	// A double opt-in link: the page asks for a click (a link scanner's GET confirms nothing), the POST confirms.
	const expiredConfirm = () => expired("Fill in the form again and we will send a new one.");
	app.get("/c/:token", async (c) => {
		const token = c.req.param("token");
		const id = await checkConfirmation(db, token, clock.now());
		if (id === "expired") return c.html(expiredConfirm(), 410);
		if (!id) return c.html(notValidLink(), 404);
		return c.html(
			publicPage(
				"Confirm your address",
				`<h1>Confirm your address</h1><form method="post" action="/c/${escapeHtml(token)}"><button type="submit">Yes, it was me</button></form>`,
			),
		);
	});
	app.post("/c/:token", async (c) => {
		const done = await confirmSubmission(db, c.req.param("token"), clock.now());
		if (done === "expired") return c.html(expiredConfirm(), 410);
		if (!done) return c.html(notValidLink(), 404);
		return c.html(
			publicPage(
				"Address confirmed",
				`<h1>Thank you</h1><p role="status">${done === "confirmed" ? "Your address is confirmed." : "Your address was confirmed already."}</p>`,
			),
		);
	});

	// The page's script: a form started on one page view (its signed shown-at token), counted once.
	const startsAllowed = perMinute(STARTS_PER_MINUTE);
	app.post("/f/:slug/start", async (c) => {
		const row = await db.selectFrom("forms").select("id").where("slug", "=", c.req.param("slug")).executeTakeFirst();
		if (!row) return c.body(null, 404);
		if (!startsAllowed(clientAddress(c, options.trustProxy), clock.now().getTime())) return c.body(null, 429);
		const token = (await c.req.text()).trim().slice(0, 200);
		if ((await shownAt(db, row.id, token)) === null) return c.body(null, 400);
		await recordStart(db, row.id, token, clock.now());
		return c.body(null, 204);
	});

	// The hosted page: no sign-in, plain HTML, a POST that works without JavaScript.
	const allowed = perMinute(SUBMISSIONS_PER_MINUTE);
	const action = (slug: string) => `/f/${slug}`;
	app.get("/f/:slug", async (c) => {
		// a preview (the web app's) is not a view, and its starts are not counted
		const preview = c.req.query("preview") === "1";
		const form = await showForm(db, c.req.param("slug"), preview);
		if (!form) return c.html(noSuchForm(), 404);
		const query = c.req.query();
		return c.html(
			renderFormPage(form.definition, {
				action: action(c.req.param("slug")),
				shown: await shownToken(db, form.id, clock.now()),
				startUrl: preview ? null : `${action(c.req.param("slug"))}/start`,
				anonymousId: anonymousIdOf(getCookie(c, "ajs_anonymous_id"), query.anonymous_id),
				values: query,
				problems: [],
			}),
		);
	});
	app.post("/f/:slug", async (c) => {
		const slug = c.req.param("slug");
		const row = await db
			.selectFrom("forms")
			.select(["id", "slug", "definition"])
			.where("slug", "=", slug)
			.executeTakeFirst();
		if (!row) return c.html(noSuchForm(), 404);
		const form = { id: row.id, slug: row.slug, definition: FormDefinition.parse(row.definition) };
		if (!allowed(clientAddress(c, options.trustProxy), clock.now().getTime()))
			return c.html(renderRefused(), 429, { "retry-after": "60" });
		const body = await c.req.parseBody();
		const raw = Object.fromEntries(
			Object.entries(body).map(([k, v]) => [k, typeof v === "string" ? v : undefined]),
		) as Record<string, string | undefined>;
		const outcome = await submitForm(db, form, raw, {
			anonymousId: anonymousIdOf(getCookie(c, "ajs_anonymous_id"), raw.anonymous_id),
			now: clock.now(),
			userAgent: c.req.header("user-agent") ?? null,
			page: c.req.header("referer") ?? null,
		});
		if (outcome.kind === "refused") return c.html(renderRefused(), 400);
		if (outcome.kind === "invalid")
			return c.html(
				renderFormPage(form.definition, {
					action: action(slug),
					shown: raw._shown ?? "",
					startUrl: null,
					anonymousId: anonymousIdOf(undefined, raw.anonymous_id),
					values: raw,
					problems: outcome.checked.problems,
				}),
				400,
			);
		const thanks = form.definition.thanks;
		// only the address the form's owner saved: never one the request names
		if ("redirect" in thanks) return c.redirect(thanks.redirect, 303);
		return c.html(renderThanks(form.definition, thanks.message, outcome.email));
	});
}
