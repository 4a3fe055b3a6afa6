import type { MiddlewareHandler } from "hono";
import { authenticateKey, type KeyKind } from "../app/api-keys.js";
import { AppError } from "../domain/errors.js";
import type { Db } from "../storage/database.js";

export type AuthEnv = { Variables: { keyKind: KeyKind } };

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

/**
 * Requires a live key; `write` routes take write or secret keys, the rest only secret
 * keys. A missing or wrong key gets the same 401 either way.
 */
export function requireKey(db: Db, scope: KeyKind): MiddlewareHandler<AuthEnv> {
	return async (c, next) => {
		const key = presentedKey(c.req.header("authorization"));
		const kind = key ? await authenticateKey(db, key) : null;
		if (!kind) throw new AppError("unauthorized", "Missing or invalid API key.");
		if (scope === "secret" && kind !== "secret") {
			throw new AppError("forbidden", "This is a write key: it may only send events. Use a secret key.");
		}
		c.set("keyKind", kind);
		await next();
	};
}
