import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { AppError } from "../domain/errors.js";
import type { Db } from "./database.js";

const migrationsDir = fileURLToPath(new URL("../../migrations/", import.meta.url));

export interface Migration {
	version: number;
	name: string;
	sql: string;
}

export async function loadMigrations(dir = migrationsDir): Promise<Migration[]> {
	const files = (await readdir(dir)).filter((file) => /^\d+_.+\.sql$/.test(file)).sort();
	return Promise.all(
		files.map(async (file) => ({
			version: Number.parseInt(file, 10),
			name: file.replace(/\.sql$/, ""),
			sql: await readFile(`${dir}/${file}`, "utf8"),
		})),
	);
}

/**
 * Applies every migration the database lacks, all in one transaction (all or none), and refuses a
 * database that already has a migration newer than this code knows.
 */
export async function migrate(db: Db, migrations?: Migration[]): Promise<string[]> {
	const known = migrations ?? (await loadMigrations());
	await sql`create table if not exists schema_migrations (
		version int primary key, name text not null, applied_at timestamptz not null default now())`.execute(db);
	// Two processes starting at once: the second waits here, then finds nothing to do.
	return db.transaction().execute(async (trx) => {
		await sql`lock table schema_migrations in exclusive mode`.execute(trx);
		const applied = await sql<{ version: number }>`select version from schema_migrations`.execute(trx);
		const appliedVersions = new Set(applied.rows.map((row) => row.version));
		const newest = Math.max(0, ...appliedVersions);
		const latestKnown = Math.max(0, ...known.map((m) => m.version));
		if (newest > latestKnown) {
			throw new AppError(
				"schema_too_new",
				`The database has migration ${newest}, newer than this Qualify knows (${latestKnown}). Upgrade Qualify before starting it on this database.`,
			);
		}
		const names: string[] = [];
		for (const migration of known) {
			if (appliedVersions.has(migration.version)) continue;
			await sql.raw(migration.sql).execute(trx);
			await sql`insert into schema_migrations (version, name) values (${migration.version}, ${migration.name})`.execute(
				trx,
			);
			names.push(migration.name);
		}
		return names;
	});
}
