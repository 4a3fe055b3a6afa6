import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import {
	changePassword,
	createUser,
	disableUser,
	listUsers,
	resetPassword,
	signIn,
	signOut,
	updateUser,
} from "../app/users.js";
import { AppError } from "../domain/errors.js";
import { listOf } from "../schemas/list.js";
import { Credentials, PasswordChange, PasswordReset, Session, User, UserInput, UserPatch } from "../schemas/users.js";
import type { Db } from "../storage/database.js";
import { type AuthEnv, requireRole, SESSION_COOKIE } from "./auth.js";
import { clientAddress } from "./client-address.js";
import { ErrorResponse, json, jsonBody, pathId, secretKey } from "./route-helpers.js";

function setSessionCookie(c: Context, token: string) {
	const secure = new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto") === "https";
	setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: "Lax", secure, path: "/", maxAge: 7 * 86_400 });
}

export function registerSessionRoutes(app: OpenAPIHono<AuthEnv>, db: Db, options: { trustProxy: boolean }) {
	const tags = ["Users and sessions"];

	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/session",
			tags,
			summary: "Sign in",
			description:
				"Sets an httpOnly, SameSite=Lax session cookie and returns the CSRF token that every change made with the cookie must carry in `x-csrf-token`. Sessions end after 12 idle hours, and after 7 days in any case.",
			request: { body: jsonBody(Credentials) },
			responses: {
				200: json(Session, "Signed in"),
				401: json(ErrorResponse, "Wrong e-mail or password"),
				429: json(ErrorResponse, "Too many failed tries for this e-mail or from this address; see Retry-After"),
			},
		}),
		async (c) => {
			const { email, password } = c.req.valid("json");
			const session = await signIn(db, email, password, clientAddress(c, options.trustProxy));
			setSessionCookie(c, session.token);
			return c.json(
				{ user: session.user, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() },
				200,
			);
		},
	);

	const signedIn = requireRole(db, { write: ["admin", "marketing", "sales"] });
	app.use("/v1/session", async (c, next) => (c.req.method === "POST" ? next() : signedIn(c, next)));
	app.use("/v1/session/*", signedIn);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/session",
			tags,
			summary: "Who is signed in",
			responses: { 200: json(Session, "The session"), 401: json(ErrorResponse, "Not signed in") },
		}),
		async (c) => {
			const principal = c.get("principal");
			if (principal.kind !== "user") throw new AppError("unauthorized", "Not signed in (an API key has no session).");
			return c.json({ user: principal.user, csrfToken: principal.csrfToken, expiresAt: "" }, 200);
		},
	);

	app.openapi(
		createRoute({
			method: "delete",
			path: "/v1/session",
			tags,
			summary: "Sign out",
			responses: { 204: { description: "Signed out" } },
		}),
		async (c) => {
			const token = getCookie(c, SESSION_COOKIE);
			if (token) await signOut(db, token);
			deleteCookie(c, SESSION_COOKIE, { path: "/" });
			return c.body(null, 204);
		},
	);

	app.openapi(
		createRoute({
			method: "put",
			path: "/v1/session/password",
			tags,
			summary: "Change your own password",
			description: "Needs the current password. Your other sessions end; this one stays.",
			request: { body: jsonBody(PasswordChange) },
			responses: {
				204: { description: "Changed" },
				400: json(ErrorResponse, "The new password is too weak"),
				403: json(ErrorResponse, "The current password is wrong"),
			},
		}),
		async (c) => {
			const principal = c.get("principal");
			if (principal.kind !== "user") throw new AppError("forbidden", "An API key has no password.");
			const body = c.req.valid("json");
			await changePassword(db, principal.user.id, body, getCookie(c, SESSION_COOKIE) ?? "");
			return c.body(null, 204);
		},
	);

	const admins = requireRole(db, { read: ["admin"], write: ["admin"] });
	app.use("/v1/users", admins);
	app.use("/v1/users/*", admins);
	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/users",
			tags,
			summary: "List users",
			security: secretKey,
			responses: { 200: json(listOf(User), "Users") },
		}),
		async (c) => c.json({ data: await listUsers(db) }, 200),
	);
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/users",
			tags,
			summary: "Add a user",
			security: secretKey,
			request: { body: jsonBody(UserInput) },
			responses: { 201: json(User, "The user"), 409: json(ErrorResponse, "The e-mail is taken") },
		}),
		async (c) => c.json(await createUser(db, c.req.valid("json")), 201),
	);
	app.openapi(
		createRoute({
			method: "delete",
			path: "/v1/users/{id}",
			tags,
			summary: "Disable a user and end their sessions",
			security: secretKey,
			request: { params: pathId("9d0b…") },
			responses: { 204: { description: "Disabled" }, 404: json(ErrorResponse, "No such user") },
		}),
		async (c) => {
			await disableUser(db, c.req.valid("param").id);
			return c.body(null, 204);
		},
	);
	app.openapi(
		createRoute({
			method: "patch",
			path: "/v1/users/{id}",
			tags,
			summary: "Change a user's name, role or sales owner",
			description: "The last admin cannot lose the admin role.",
			security: secretKey,
			request: { params: pathId("9d0b…"), body: jsonBody(UserPatch) },
			responses: {
				200: json(User, "The user"),
				404: json(ErrorResponse, "No such user"),
				409: json(ErrorResponse, "The last admin"),
			},
		}),
		async (c) => c.json(await updateUser(db, c.req.valid("param").id, c.req.valid("json")), 200),
	);
	app.openapi(
		createRoute({
			method: "put",
			path: "/v1/users/{id}/password",
			tags,
			summary: "Reset a user's password",
			description: "For someone who forgot theirs: their sessions end, and they sign in with the new one.",
			security: secretKey,
			request: { params: pathId("9d0b…"), body: jsonBody(PasswordReset) },
			responses: {
				204: { description: "Reset" },
				400: json(ErrorResponse, "Too weak"),
				404: json(ErrorResponse, "No such user"),
			},
		}),
		async (c) => {
			await resetPassword(db, c.req.valid("param").id, c.req.valid("json").password);
			return c.body(null, 204);
		},
	);
}
