import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { createAdSource, listAdSources, receiveAdLeads, verifySubscription } from "../app/capture/ad-sources.js";
import type { Clock } from "../domain/clock.js";
import { AppError } from "../domain/errors.js";
import { isUuid } from "../domain/ids.js";
import { AdSource, AdSourceInput } from "../schemas/ad-sources.js";
import type { Db } from "../storage/database.js";
import { type AuthEnv, requireRole } from "./auth.js";
import { ErrorResponse, json, jsonBody, secretKey as security } from "./route-helpers.js";

const tags = ["Capture"];
const MAX_BODY = 1_000_000;

export function registerAdSourceRoutes(
	app: OpenAPIHono<AuthEnv>,
	db: Db,
	options: { clock: Clock; publicUrl: string },
) {
	const access = requireRole(db, { read: ["admin", "marketing"], write: ["admin", "marketing"] });
	app.use("/v1/ad-sources", access);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/ad-sources",
			tags,
			summary: "Lead-ad platforms posting leads",
			security,
			responses: { 200: json(z.object({ data: z.array(AdSource) }), "Each with its webhook address and secret") },
		}),
		async (c) => c.json({ data: await listAdSources(db, options.publicUrl) }, 200),
	);
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/ad-sources",
			tags,
			summary: "Connect a lead-ad platform",
			description:
				"Facebook Lead Ads (lead objects with `field_data`, signed with `X-Hub-Signature-256`) or LinkedIn Lead Gen (form responses, signed with `X-LI-Signature`). The mapping names the trait each field or question fills; email, names, phone, company and title are mapped by their usual names.",
			security,
			request: { body: jsonBody(AdSourceInput) },
			responses: {
				201: json(AdSource, "Connected: give the platform its webhook address and secret"),
				409: json(ErrorResponse, "Name taken"),
			},
		}),
		async (c) => c.json(await createAdSource(db, c.req.valid("json"), options.publicUrl), 201),
	);

	// Facebook checks a webhook before it posts to it: the challenge back for the right verify token.
	app.get("/hooks/ads/:id", async (c) => {
		const ok =
			c.req.query("hub.mode") === "subscribe" &&
			(await verifySubscription(db, c.req.param("id"), c.req.query("hub.verify_token")));
		return ok ? c.text(c.req.query("hub.challenge") ?? "") : c.text("not subscribed", 403);
	});
	app.post("/hooks/ads/:id", async (c) => {
		if (!isUuid(c.req.param("id"))) throw new AppError("not_found", "No such ad source.");
		const body = await c.req.text();
		if (body.length > MAX_BODY) throw new AppError("payload_too_large", `A post may be at most ${MAX_BODY} bytes.`);
		const result = await receiveAdLeads(
			db,
			c.req.param("id"),
			body,
			{ facebook: c.req.header("x-hub-signature-256"), linkedin: c.req.header("x-li-signature") },
			options.clock.now(),
		);
		return c.json(result, 200);
	});
}
