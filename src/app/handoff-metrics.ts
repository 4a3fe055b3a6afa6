import { sql } from "kysely";
import type { HandoffMetricsRow } from "../schemas/metrics.js";
import type { Db } from "../storage/database.js";
import { inScope, type LeadScope } from "../storage/lead-scope.js";

export type MetricsGrouping = "owner" | "team" | "source" | "all";

const GROUPS = {
	owner: { key: sql`h.owner_id::text`, label: sql`o.name` },
	team: { key: sql`h.team_id::text`, label: sql`t.name` },
	source: { key: sql`h.source`, label: sql`h.source` },
	all: { key: sql`'all'::text`, label: sql`'all'::text` },
} as const;

/**
 * Speed to lead (MQL → first touch, median and 90th percentile) and MQL → SQL acceptance, by
 * owner, team or source, for handoffs made in [from, to); with the rejection reasons.
 */
export async function handoffMetrics(db: Db, by: MetricsGrouping, from: Date, to: Date, scope: LeadScope = {}) {
	const group = GROUPS[by];
	const member = inScope(sql`h.lead_id`, scope);
	const rows = await sql<{
		key: string | null;
		label: string | null;
		handoffs: number;
		touched: number;
		accepted: number;
		rejected: number;
		median: number | null;
		p90: number | null;
		breached: number;
	}>`select ${group.key} as key, min(${group.label}) as label, count(*)::int as handoffs,
			count(h.first_touch_at)::int as touched,
			count(*) filter (where h.status = 'accepted')::int as accepted,
			count(*) filter (where h.status = 'rejected')::int as rejected,
			percentile_cont(0.5) within group (order by extract(epoch from h.first_touch_at - h.assigned_at))
				filter (where h.first_touch_at is not null) as median,
			percentile_cont(0.9) within group (order by extract(epoch from h.first_touch_at - h.assigned_at))
				filter (where h.first_touch_at is not null) as p90,
			count(h.breached_at)::int as breached
		from handoffs h left join owners o on o.id = h.owner_id left join teams t on t.id = h.team_id
		where h.assigned_at >= ${from} and h.assigned_at < ${to} and ${member}
		group by 1 order by handoffs desc, key`.execute(db);
	const reasons = await sql<{ key: string | null; rejection: string; n: number }>`
		select ${group.key} as key, h.rejection, count(*)::int as n
		from handoffs h where h.assigned_at >= ${from} and h.assigned_at < ${to} and h.rejection is not null
			and ${member}
		group by 1, 2 order by n desc`.execute(db);
	return rows.rows.map((r) => {
		const decided = r.accepted + r.rejected;
		const metrics: Omit<HandoffMetricsRow, "rejections"> = {
			key: r.key,
			label: r.label,
			handoffs: r.handoffs,
			touched: r.touched,
			accepted: r.accepted,
			rejected: r.rejected,
			acceptanceRate: decided > 0 ? r.accepted / decided : null,
			speedToLeadMedian: r.median === null ? null : Number(r.median),
			speedToLeadP90: r.p90 === null ? null : Number(r.p90),
			breached: r.breached,
		};
		const rejections = Object.fromEntries(reasons.rows.filter((x) => x.key === r.key).map((x) => [x.rejection, x.n]));
		return { ...metrics, rejections };
	});
}
