import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { authenticateKey, type KeyKind } from "../app/api-keys.js";
import { type Role, sessionUser, type User } from "../app/users.js";
import { AppError } from "../domain/errors.js";
import type { Db } from "../storage/database.js";

export const SESSION_COOKIE = "qualify_session";

/** Who is calling: an API key (a secret key acts as an admin), or a signed-in person. */
export type Principal = { kind: "key"; keyKind: KeyKind } | { kind: "user"; user: User; csrfToken: string };
export type AuthEnv = { Variables: { principal: Principal } };

/** The key from `Basic base64(key:)` (Segment's libraries) or `Bearer key`. */
export function presentedKey(header: string | undefined): string | null {
	if (!header) return null;
	const [scheme, value] = header.split(" ", 2);
	if (!value) return null;
	if (scheme?.toLowerCase() === "bearer") return value.trim();
	if (scheme?.toLowerCase() !== "basic") return null;
	const decoded = Buffer.from(value, "base64").toString("utf8");
	const colon = decoded.indexOf(":");
	const user = colon === -1 ? decoded : decoded.slice(0, colon);
	return user || (colon === -1 ? null : decoded.slice(colon + 1)) || null;
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

async function principalOf(db: Db, c: Context): Promise<Principal | null> {
	const key = presentedKey(c.req.header("authorization"));
	if (key) {
		const keyKind = await authenticateKey(db, key);
		return keyKind ? { kind: "key", keyKind } : null;
	}
	const token = getCookie(c, SESSION_COOKIE);
	if (!token) return null;
	const session = await sessionUser(db, token);
	if (!session) return null;
	// A browser sends cookies with any site's form; changes must also carry the CSRF token,
	// which only our own pages can read.
	if (UNSAFE.has(c.req.method) && c.req.header("x-csrf-token") !== session.csrfToken)
		throw new AppError("forbidden", "Missing or wrong CSRF token: send the x-csrf-token header from GET /v1/session.");
	return { kind: "user", ...session };
}

/** The role a principal acts with. */
export function roleOf(principal: Principal): Role | null {
	if (principal.kind === "user") return principal.user.role;
	return principal.keyKind === "secret" ? "admin" : null;
}

/** Who to record as having made a change. */
export function actorIdOf(principal: Principal): string {
	return principal.kind === "user" ? principal.user.id : `${principal.keyKind} key`;
}

/**
 * Who acts in the sales queue: a sales user linked to a sales owner is a rep and works only
 * their own queue; admins, managers (sales users with no owner) and keys see everyone's.
 */
export function salesActorOf(principal: Principal): { id: string; ownerId: string | null } {
	const ownerId = principal.kind === "user" && principal.user.role === "sales" ? principal.user.ownerId : null;
	return { id: actorIdOf(principal), ownerId };
}

/** Who made a change, as a person reads it in a record: their name, or which key. */
export function actorNameOf(principal: Principal): string {
	return principal.kind === "user" ? principal.user.name : `${principal.keyKind} key`;
}

const ALL: readonly Role[] = ["admin", "marketing", "sales"];

/**
 * Requires a caller allowed to read (GET) or change (other methods) what the route serves.
 * A missing or wrong key or session gets the same 401; a role that may not gets a 403.
 */
export function requireRole(
	db: Db,
	allowed: { read?: readonly Role[]; write: readonly Role[] },
): MiddlewareHandler<AuthEnv> {
	return async (c, next) => {
		const principal = await principalOf(db, c);
		if (!principal) throw new AppError("unauthorized", "Missing or invalid API key or session.");
		const role = roleOf(principal);
		if (!role) throw new AppError("forbidden", "This is a write key: it may only send events. Use a secret key.");
		const roles = c.req.method === "GET" || c.req.method === "HEAD" ? (allowed.read ?? ALL) : allowed.write;
		if (!roles.includes(role)) throw new AppError("forbidden", `Your role (${role}) may not do this.`);
		c.set("principal", principal);
		await next();
	};
}

/** Ingest: a write or secret key, as Segment's libraries send it. */
export function requireWriteKey(db: Db): MiddlewareHandler<AuthEnv> {
	return async (c, next) => {
		const key = presentedKey(c.req.header("authorization"));
		const keyKind = key ? await authenticateKey(db, key) : null;
		if (!keyKind) throw new AppError("unauthorized", "Missing or invalid API key.");
		c.set("principal", { kind: "key", keyKind });
		await next();
	};
}
