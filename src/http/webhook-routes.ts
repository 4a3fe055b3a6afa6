import type { BlockList } from "node:net";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import {
	createEndpoint,
	deleteEndpoint,
	endpointAttempts,
	getEndpoint,
	listEndpoints,
	replayMessage,
	sendTestMessage,
	updateEndpoint,
} from "../app/webhook-endpoints.js";
import type { Clock } from "../domain/clock.js";
import { listOf } from "../schemas/list.js";
import {
	AttemptsQuery,
	WebhookAttempt,
	WebhookEndpoint,
	WebhookEndpointCreate,
	WebhookEndpointCreated,
	WebhookEndpointPatch,
	WebhookTestResult,
} from "../schemas/webhooks.js";
import type { Db } from "../storage/database.js";
import { type AuthEnv, requireRole } from "./auth.js";
import { ErrorResponse, json, jsonBody, pathId, secretKey } from "./route-helpers.js";

const tags = ["Webhooks"];
const security = secretKey;
const EndpointId = pathId("7c2e…");
const notFound = json(ErrorResponse, "No such endpoint");

export function registerWebhookRoutes(
	app: OpenAPIHono<AuthEnv>,
	db: Db,
	options: { allowed: BlockList; clock: Clock },
) {
	const admins = requireRole(db, { read: ["admin"], write: ["admin"] });
	app.use("/v1/webhooks", admins);
	app.use("/v1/webhooks/*", admins);

	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/webhooks",
			tags,
			summary: "Subscribe an endpoint",
			description:
				"Deliveries are signed per the Standard Webhooks spec (webhook-id, webhook-timestamp, webhook-signature) with the secret returned here, retried for about three days with the same webhook-id, and refused when the URL resolves to a private, loopback or link-local address (unless allowed by QUALIFY_WEBHOOK_ALLOW).",
			security,
			request: { body: jsonBody(WebhookEndpointCreate) },
			responses: {
				201: json(WebhookEndpointCreated, "The endpoint and its secret"),
				400: json(ErrorResponse, "The URL is not allowed (a private or loopback address)"),
			},
		}),
		async (c) => c.json(await createEndpoint(db, c.req.valid("json"), options.allowed), 201),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/webhooks",
			tags,
			summary: "List endpoints",
			security,
			responses: { 200: json(listOf(WebhookEndpoint), "The endpoints") },
		}),
		async (c) => c.json({ data: await listEndpoints(db) }, 200),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/webhooks/{id}",
			tags,
			summary: "Get an endpoint",
			security,
			request: { params: EndpointId },
			responses: { 200: json(WebhookEndpoint, "The endpoint"), 404: notFound },
		}),
		async (c) => c.json(await getEndpoint(db, c.req.valid("param").id), 200),
	);

	app.openapi(
		createRoute({
			method: "patch",
			path: "/v1/webhooks/{id}",
			tags,
			summary: "Change an endpoint",
			description:
				"`enabled: true` re-enables an endpoint that was disabled after failing, and clears its failure record.",
			security,
			request: { params: EndpointId, body: jsonBody(WebhookEndpointPatch) },
			responses: { 200: json(WebhookEndpoint, "The endpoint"), 404: notFound },
		}),
		async (c) => c.json(await updateEndpoint(db, c.req.valid("param").id, c.req.valid("json"), options.allowed), 200),
	);

	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/webhooks/{id}/test",
			tags,
			summary: "Send a test message now",
			description:
				"A sample `webhook.test` event, in the endpoint's format and signed with its secret, sent at once; the attempt is logged with the others.",
			security,
			request: { params: EndpointId },
			responses: { 200: json(WebhookTestResult, "What the receiver answered"), 404: notFound },
		}),
		async (c) => c.json(await sendTestMessage(db, c.req.valid("param").id, options.allowed, options.clock.now()), 200),
	);

	app.openapi(
		createRoute({
			method: "delete",
			path: "/v1/webhooks/{id}",
			tags,
			summary: "Remove an endpoint",
			security,
			request: { params: EndpointId },
			responses: { 204: { description: "Removed" }, 404: notFound },
		}),
		async (c) => {
			await deleteEndpoint(db, c.req.valid("param").id);
			return c.body(null, 204);
		},
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/webhooks/{id}/attempts",
			tags,
			summary: "The delivery log",
			description: "Every attempt, newest first: status, latency, the start of the response, the error.",
			security,
			request: { params: EndpointId, query: AttemptsQuery },
			responses: { 200: json(listOf(WebhookAttempt), "Attempts"), 404: notFound },
		}),
		async (c) => c.json({ data: await endpointAttempts(db, c.req.valid("param").id, c.req.valid("query").limit) }, 200),
	);

	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/webhooks/{id}/messages/{messageId}/replay",
			tags,
			summary: "Send a message again",
			description: "Queues a new delivery of the message to this endpoint, with the same webhook-id.",
			security,
			request: {
				params: z.object({
					id: z.string().openapi({ param: { name: "id", in: "path" } }),
					messageId: z.string().openapi({ param: { name: "messageId", in: "path" } }),
				}),
			},
			responses: { 202: { description: "Queued" }, 404: notFound },
		}),
		async (c) => {
			const { id, messageId } = c.req.valid("param");
			await replayMessage(db, id, messageId);
			return c.body(null, 202);
		},
	);
}
