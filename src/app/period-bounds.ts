import { sql } from "kysely";
import type { Period } from "../domain/report-periods.js";
import type { Db } from "../storage/database.js";

/** The instants a period of days in a zone runs from and to (the end is the next day's start). */
export async function boundsOf(db: Db, period: Period, zone: string): Promise<{ start: Date; end: Date }> {
	const bounds = await sql<{ start: Date; end: Date }>`select
		(${period.from}::date)::timestamp at time zone ${zone} as start,
		(${period.to}::date + 1)::timestamp at time zone ${zone} as end`.execute(db);
	return bounds.rows[0] as { start: Date; end: Date };
}
