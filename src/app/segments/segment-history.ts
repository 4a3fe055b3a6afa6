import { sql } from "kysely";
import { AppError } from "../../domain/errors.js";
import type { SegmentChangePage, SegmentHistory } from "../../schemas/segments.js";
import type { Db } from "../../storage/database.js";
import { decodeCursor, encodeCursor } from "../cursor.js";

async function mustExist(db: Db, id: string) {
	const found = await db.selectFrom("segments").select("id").where("id", "=", id).executeTakeFirst();
	if (!found) throw new AppError("not_found", `No segment ${id}.`);
}

/**
 * A segment's size at the end of each of the last `days` days (in `zone`), with how many entered
 * and left that day, all from its log of entries and exits: the last day's size is its members now.
 */
export async function segmentHistory(
	db: Db,
	id: string,
	query: { days: number; zone: string },
	now: Date,
): Promise<SegmentHistory> {
	await mustExist(db, id);
	const rows = await sql<{ day: string; entered: number; exited: number; before: number }>`
		with bounds as (
			select (date_trunc('day', ${now}::timestamptz at time zone ${query.zone})
				- make_interval(days => ${query.days - 1}::int)) as first_day),
		net_before as (
			select (count(*) filter (where change = 'entered') - count(*) filter (where change = 'exited'))::int as n
			from segment_changes, bounds
			where segment_id = ${id}::uuid and at < bounds.first_day at time zone ${query.zone}),
		per_day as (
			select date_trunc('day', at at time zone ${query.zone}) as day,
				count(*) filter (where change = 'entered')::int as entered,
				count(*) filter (where change = 'exited')::int as exited
			from segment_changes, bounds
			where segment_id = ${id}::uuid and at >= bounds.first_day at time zone ${query.zone}
			group by 1)
		select to_char(d.day, 'YYYY-MM-DD') as day, coalesce(p.entered, 0) as entered, coalesce(p.exited, 0) as exited,
			(select n from net_before) as before
		from bounds, generate_series(bounds.first_day, bounds.first_day + make_interval(days => ${query.days - 1}::int),
			interval '1 day') as d(day)
		left join per_day p on p.day = d.day
		order by d.day`.execute(db);
	let size = rows.rows[0]?.before ?? 0;
	return {
		zone: query.zone,
		days: rows.rows.map((r) => {
			size += r.entered - r.exited;
			return { day: r.day, entered: r.entered, exited: r.exited, size };
		}),
	};
}

type ChangeQuery = { change?: "entered" | "exited" | undefined; limit: number; cursor?: string | undefined };

/** A segment's entries and exits, newest first, a page at a time. */
export async function segmentChanges(db: Db, id: string, query: ChangeQuery): Promise<SegmentChangePage> {
	await mustExist(db, id);
	return changesPage(db, id, query);
}

/** A page of a segment's log (the segment known to exist). */
export async function changesPage(db: Db, id: string, query: ChangeQuery): Promise<SegmentChangePage> {
	const after = query.cursor ? decodeCursor(query.cursor, (x) => /^\d{1,19}$/.test(x)) : null;
	const rows = await sql<{ id: string; lead_id: string; email: string | null; change: "entered" | "exited"; at: Date }>`
		select c.id::text as id, c.lead_id, l.email, c.change, c.at
		from segment_changes c left join leads l on l.id = c.lead_id
		where c.segment_id = ${id}::uuid
			and (${query.change ?? null}::text is null or c.change = ${query.change ?? null}::text)
			${after ? sql`and (c.at, c.id) < (${after.at}::timestamptz, ${after.id}::bigint)` : sql``}
		order by c.at desc, c.id desc limit ${query.limit + 1}`.execute(db);
	const page = rows.rows.slice(0, query.limit);
	const last = page[page.length - 1];
	return {
		data: page.map((c) => ({ leadId: c.lead_id, email: c.email, change: c.change, at: new Date(c.at).toISOString() })),
		nextCursor: rows.rows.length > query.limit && last ? encodeCursor(new Date(last.at).toISOString(), last.id) : null,
	};
}
