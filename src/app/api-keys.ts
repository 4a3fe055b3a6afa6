import { createHash, randomBytes, randomUUID } from "node:crypto";
import { sql } from "kysely";
import { AppError } from "../domain/errors.js";
import type { Db } from "../storage/database.js";

export type KeyKind = "write" | "secret";
export interface ApiKeyInfo {
	id: string;
	kind: KeyKind;
	name: string;
	prefix: string;
	createdAt: Date;
	revokedAt: Date | null;
	origins: string[] | null;
}

const hashOf = (key: string) => createHash("sha256").update(key).digest("hex");

/** Creates a key; the plain key is returned this once and only its hash is stored. */
export async function createApiKey(
	db: Db,
	kind: KeyKind,
	name: string,
	origins: readonly string[] | null = null,
): Promise<{ key: string; info: ApiKeyInfo }> {
	const key = `qk_${kind === "write" ? "w" : "s"}_${randomBytes(24).toString("base64url")}`;
	const row = await db
		.insertInto("api_keys")
		.values({
			id: `key_${randomUUID().slice(0, 8)}`,
			kind,
			name,
			prefix: key.slice(0, 10),
			secret_hash: hashOf(key),
			origins: origins ? origins.map((o) => o.toLowerCase()) : null,
		})
		.returningAll()
		.executeTakeFirstOrThrow();
	return { key, info: toInfo(row) };
}

export async function listApiKeys(db: Db): Promise<ApiKeyInfo[]> {
	const rows = await db.selectFrom("api_keys").selectAll().orderBy("created_at").execute();
	return rows.map(toInfo);
}

export async function revokeApiKey(db: Db, id: string): Promise<void> {
	const result = await db
		.updateTable("api_keys")
		.set({ revoked_at: sql`now()` })
		.where("id", "=", id)
		.where("revoked_at", "is", null)
		.executeTakeFirst();
	if (result.numUpdatedRows === 0n) throw new AppError("not_found", `No active API key with id ${id}.`);
	cache.clear();
}

const CACHE_MS = 5_000;
const cache = new Map<string, { kind: KeyKind | null; origins: string[] | null; until: number }>();

/**
 * The kind of an active key, or null. Answers are kept for five seconds so ingest does
 * not look the key up for every request; a revoked key stops working within that time.
 */
export async function authenticateKey(db: Db, key: string, now = Date.now()): Promise<KeyKind | null> {
	return (await keyGrant(db, key, now))?.kind ?? null;
}

/** An active key's kind and the origins it takes browser calls from (null: any); null for no key. */
export async function keyGrant(
	db: Db,
	key: string,
	now = Date.now(),
): Promise<{ kind: KeyKind; origins: string[] | null } | null> {
	const hash = hashOf(key);
	let hit = cache.get(hash);
	if (!hit || hit.until <= now) {
		const row = await db
			.selectFrom("api_keys")
			.select(["kind", "origins"])
			.where("secret_hash", "=", hash)
			.where("revoked_at", "is", null)
			.executeTakeFirst();
		if (cache.size > 10_000) cache.clear();
		hit = { kind: row?.kind ?? null, origins: row?.origins ?? null, until: now + CACHE_MS };
		cache.set(hash, hit);
	}
	return hit.kind ? { kind: hit.kind, origins: hit.origins } : null;
}

export async function countApiKeys(db: Db): Promise<number> {
	const row = await db
		.selectFrom("api_keys")
		.select((eb) => eb.fn.countAll<number>().as("n"))
		.executeTakeFirst();
	return Number(row?.n ?? 0);
}

function toInfo(row: {
	id: string;
	kind: KeyKind;
	name: string;
	prefix: string;
	created_at: Date;
	revoked_at: Date | null;
	origins: string[] | null;
}): ApiKeyInfo {
	return {
		id: row.id,
		kind: row.kind,
		name: row.name,
		prefix: row.prefix,
		origins: row.origins,
		createdAt: row.created_at,
		revokedAt: row.revoked_at,
	};
}
