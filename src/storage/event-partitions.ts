import { sql } from "kysely";
import { errorCode } from "../domain/errors.js";
import type { Db } from "./database.js";

/** A partition's range, [from, to) in epoch ms. */
interface Range {
	name: string;
	from: number;
	to: number;
}

// The ranges each database is known to have, learnt from the catalogue and from our own creations.
const known = new WeakMap<Db, Range[]>();

/**
 * `events_p202611` holds November 2026; `events_p2019` the whole of 2019. Months are the
 * unit for recent events; a year that is already over when its first event arrives gets one
 * partition, so that history, or a client sending old times, adds at most one per year.
 */
export function partitionRange(time: Date, now: Date): Range {
	const year = time.getUTCFullYear();
	if (year < now.getUTCFullYear() - 1) return yearRange(year);
	const month = time.getUTCMonth();
	return {
		name: `events_p${year}${String(month + 1).padStart(2, "0")}`,
		from: utc(year, month),
		to: utc(year, month + 1),
	};
}

function yearRange(year: number): Range {
	return { name: `events_p${year}`, from: utc(year, 0), to: utc(year + 1, 0) };
}

// Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
function utc(year: number, month: number): number {
	const date = new Date(0);
	date.setUTCFullYear(year, month, 1);
	return date.getTime();
}

function rangeOfName(name: string): Range | null {
	const match = /^events_p(\d{4})(\d{2})?$/.exec(name);
	if (!match) return null;
	const year = Number(match[1]);
	if (!match[2]) return yearRange(year);
	const month = Number(match[2]) - 1;
	return { name, from: utc(year, month), to: utc(year, month + 1) };
}

async function catalogueRanges(db: Db): Promise<Range[]> {
	const rows = await sql<{ name: string }>`select c.relname as name from pg_inherits i
		join pg_class c on c.oid = i.inhrelid where i.inhparent = 'events'::regclass`.execute(db);
	return rows.rows.flatMap((r) => rangeOfName(r.name) ?? []);
}

const covers = (ranges: readonly Range[], time: number) => ranges.some((r) => r.from <= time && time < r.to);

/**
 * Creates the partitions these times fall in. The caller has checked the times against the
 * accepted horizon. Run outside the ingest transaction: DDL takes a lock on the parent that
 * should not be held while writing.
 */
export async function ensureEventPartitions(db: Db, times: readonly Date[], now: Date): Promise<void> {
	let ranges = known.get(db);
	const missing = (list: readonly Range[] | undefined) => times.filter((t) => !list || !covers(list, t.getTime()));
	if (missing(ranges).length === 0) return;
	ranges = await catalogueRanges(db);
	known.set(db, ranges);
	for (const time of missing(ranges)) {
		if (covers(ranges, time.getTime())) continue; // created for an earlier time of this batch
		await createPartition(db, ranges, time, now);
	}
}

async function createPartition(db: Db, ranges: Range[], time: Date, now: Date): Promise<void> {
	let range = partitionRange(time, now);
	// A year some of whose months already have partitions takes another month instead.
	if (ranges.some((r) => r.from < range.to && range.from < r.to)) range = partitionRange(time, time);
	try {
		// Names and bounds come from dates we computed, never from input.
		await sql
			.raw(
				`create table if not exists ${range.name} partition of events for values from ('${iso(range.from)}') to ('${iso(range.to)}')`,
			)
			.execute(db);
		ranges.push(range);
	} catch (error) {
		// Another process created this one, or one overlapping it, at the same moment.
		const code = errorCode(error);
		if (code !== "42P07" && code !== "23505" && code !== "42P17") throw error;
		ranges.splice(0, ranges.length, ...(await catalogueRanges(db)));
		if (!covers(ranges, time.getTime())) throw error;
	}
}

const iso = (ms: number) => new Date(ms).toISOString();
