import { sql } from "kysely";
import { errorCode } from "../domain/errors.js";
import type { Db } from "./database.js";

// Months as year × 12 + month: checking a batch's times allocates nothing once they are known.
const known = new WeakMap<Db, Set<number>>();

function monthStart(time: Date): Date {
	return new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), 1));
}

/** `events_p202611` for November 2026. */
export function partitionName(month: Date): string {
	return `events_p${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, "0")}`;
}

/**
 * Creates the monthly partitions these times fall in, once per process. Run outside the
 * ingest transaction: DDL takes a lock on the parent that should not be held while writing.
 */
export async function ensureEventPartitions(db: Db, times: readonly Date[]): Promise<void> {
	let seen = known.get(db);
	if (!seen) {
		seen = new Set();
		known.set(db, seen);
	}
	const months = new Map<number, Date>();
	for (const time of times) {
		const key = time.getUTCFullYear() * 12 + time.getUTCMonth();
		if (!seen.has(key) && !months.has(key)) months.set(key, monthStart(time));
	}
	for (const [key, month] of months) {
		const name = partitionName(month);
		const next = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1));
		try {
			// Names and bounds come from dates we computed, never from input.
			await sql
				.raw(
					`create table if not exists ${name} partition of events for values from ('${month.toISOString()}') to ('${next.toISOString()}')`,
				)
				.execute(db);
		} catch (error) {
			// Another process created it at the same moment.
			const code = errorCode(error);
			if (code !== "42P07" && code !== "23505") throw error;
		}
		seen.add(key);
	}
}
