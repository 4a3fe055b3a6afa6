import { sql } from "kysely";
import type { Mapping } from "../../domain/import/column-mapping.js";
import type { ValueType } from "../../domain/import/value-types.js";
import type { Db } from "../../storage/database.js";
import type { ColumnReport } from "./check-import.js";

/** The mapping and types last used for files with these columns, offered as the guess. */
export async function savedMapping(
	db: Db,
	key: string,
): Promise<{ mapping: Mapping; types: Record<string, ValueType> }> {
	const row = await db
		.selectFrom("import_mappings")
		.select(["mapping", "types"])
		.where("key", "=", key)
		.executeTakeFirst();
	return {
		mapping: (row?.mapping ?? {}) as unknown as Mapping,
		types: (row?.types ?? {}) as unknown as Record<string, ValueType>,
	};
}

/** Remembers how a file's columns were read, for the next file with the same columns. */
export async function saveMapping(db: Db, key: string, columns: readonly ColumnReport[]): Promise<void> {
	const mapping = JSON.stringify(Object.fromEntries(columns.map((c) => [c.header, c.role])));
	const types = JSON.stringify(Object.fromEntries(columns.map((c) => [c.header, c.type])));
	await db
		.insertInto("import_mappings")
		.values({ key, mapping, types })
		.onConflict((oc) => oc.column("key").doUpdateSet({ mapping, types, updated_at: sql`now()` }))
		.execute();
}
