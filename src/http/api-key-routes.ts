import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { type ApiKeyInfo, createApiKey, listApiKeys, revokeApiKey } from "../app/api-keys.js";
import { ApiKey, ApiKeyCreated, ApiKeyInput } from "../schemas/api-keys.js";
import { listOf } from "../schemas/list.js";
import type { Db } from "../storage/database.js";
import { type AuthEnv, requireRole } from "./auth.js";
import { ErrorResponse, json, jsonBody, pathId, secretKey as security } from "./route-helpers.js";

const toJson = (k: ApiKeyInfo) => ({
	...k,
	createdAt: k.createdAt.toISOString(),
	revokedAt: k.revokedAt?.toISOString() ?? null,
});

/** API keys for admins: listed without their secrets, created (shown once) and revoked. */
export function registerApiKeyRoutes(app: OpenAPIHono<AuthEnv>, db: Db) {
	const admins = requireRole(db, { read: ["admin"], write: ["admin"] });
	app.use("/v1/api-keys", admins);
	app.use("/v1/api-keys/*", admins);
	const tags = ["API keys"];
	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/api-keys",
			tags,
			summary: "List API keys",
			security,
			responses: { 200: json(listOf(ApiKey), "Keys, without their secrets") },
		}),
		async (c) => c.json({ data: (await listApiKeys(db)).map(toJson) }, 200),
	);
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/api-keys",
			tags,
			summary: "Create an API key",
			description: "The key is in this response only; Qualify keeps its SHA-256.",
			security,
			request: { body: jsonBody(ApiKeyInput) },
			responses: { 201: json(ApiKeyCreated, "The key, shown once") },
		}),
		async (c) => {
			const input = c.req.valid("json");
			const { key, info } = await createApiKey(db, input.kind, input.name, input.origins ?? null);
			return c.json({ ...toJson(info), key }, 201);
		},
	);
	app.openapi(
		createRoute({
			method: "delete",
			path: "/v1/api-keys/{id}",
			tags,
			summary: "Revoke an API key",
			description: "It stops working within five seconds on every server.",
			security,
			request: { params: pathId("key_3f9a12bc") },
			responses: { 204: { description: "Revoked" }, 404: json(ErrorResponse, "No active key with that id") },
		}),
		async (c) => {
			await revokeApiKey(db, c.req.valid("param").id);
			return c.body(null, 204);
		},
	);
}
