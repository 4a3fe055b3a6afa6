import { sql } from "kysely";
import type { Db } from "../../storage/database.js";
import { inScope, type LeadScope } from "../../storage/lead-scope.js";

/**
 * What leads said when a survey asked why not now, in [from, to): each lead's latest answer in
 * the period, as the rejection reason its form maps it to, counted per reason.
 */
export async function notNowReasons(
	db: Db,
	from: Date,
	to: Date,
	scope: LeadScope = {},
): Promise<Array<{ reason: string; leads: number }>> {
	const rows = await sql<{ reason: string; leads: number }>`
		select reason, count(*)::int as leads from (
			select distinct on (s.lead_id) s.not_now_reason as reason
			from form_submissions s
			where s.not_now_reason is not null and s.lead_id is not null and s.at >= ${from} and s.at < ${to}
				and ${inScope(sql`s.lead_id`, scope)}
			order by s.lead_id, s.at desc, s.id) latest
		group by reason order by leads desc, reason`.execute(db);
	return rows.rows;
}
