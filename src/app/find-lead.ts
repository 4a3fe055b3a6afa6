import type { Selectable } from "kysely";
import { AppError } from "../domain/errors.js";
import { isUuid } from "../domain/ids.js";
import type { Db } from "../storage/database.js";
import type { LeadsTable } from "../storage/tables.js";

/** The live lead an id names, following merges: an id merged away answers with the lead it became. */
export async function findLive(db: Db, id: string): Promise<Selectable<LeadsTable>> {
	if (!isUuid(id)) throw new AppError("not_found", `No lead with id ${id}.`);
	let current = id;
	for (let hop = 0; hop < 20; hop++) {
		const row = await db.selectFrom("leads").selectAll().where("id", "=", current).executeTakeFirst();
		if (!row) break;
		if (!row.merged_into) return row;
		current = row.merged_into;
	}
	throw new AppError("not_found", `No lead with id ${id}.`);
}
