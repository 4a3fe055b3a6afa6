import { sql } from "kysely";
import {
	bucketKeys,
	FUNNEL_STEPS,
	filledSeries,
	funnelRows,
	type Interval,
	intervalFor,
	rate,
} from "../domain/funnel.js";
import { activeVersion } from "../storage/active-version.js";
import type { Db } from "../storage/database.js";
import { reachedRank } from "../storage/funnel-reach.js";
import { handoffMetrics } from "./handoff-metrics.js";

export interface FunnelPeriod {
	/** first day, YYYY-MM-DD, in `zone` */
	from: string;
	/** last day, included */
	to: string;
	zone: string;
	interval?: Interval;
}

/**
 * The dashboard's numbers for leads first seen in the period: the stages they reached (a lead
 * counts at every step up to the furthest it ever held, so later corrections do not hide
 * what happened), MQLs and SQLs over time, MQL → SQL, speed to lead, sources and temperatures.
 */
export async function funnelReport(db: Db, period: FunnelPeriod) {
	const interval = period.interval ?? intervalFor(period.from, period.to);
	const start = sql<Date>`(${period.from}::date)::timestamp at time zone ${period.zone}`;
	const end = sql<Date>`(${period.to}::date + 1)::timestamp at time zone ${period.zone}`;
	const bounds = await sql<{ start: Date; end: Date }>`select ${start} as start, ${end} as end`.execute(db);
	const { start: startAt, end: endAt } = bounds.rows[0] as { start: Date; end: Date };

	const cohort = sql`cohort as (
		select l.id, coalesce(l.source, '(direct)') as source,
			${reachedRank("l")} as reached
		from leads l where l.merged_into is null and l.first_seen_at >= ${startAt} and l.first_seen_at < ${endAt})`;
	const reachedCounts = sql`count(*)::int as leads,
		count(*) filter (where reached >= 2)::int as mqls, count(*) filter (where reached >= 3)::int as sqls,
		count(*) filter (where reached >= 4)::int as opportunities, count(*) filter (where reached >= 5)::int as customers`;
	type Reached = { leads: number; mqls: number; sqls: number; opportunities: number; customers: number };

	// One pass over the cohort: the totals (the empty grouping set) and each source.
	const grouped = await sql<Reached & { source: string | null; total: boolean }>`with ${cohort}
		select source, grouping(source) = 1 as total, ${reachedCounts} from cohort
		group by grouping sets ((source), ())`.execute(db);
	const empty: Reached = { leads: 0, mqls: 0, sqls: 0, opportunities: 0, customers: 0 };
	const t = grouped.rows.find((r) => r.total) ?? empty;
	const topSources = grouped.rows
		.filter((r) => !r.total)
		.sort((a, b) => b.leads - a.leads || String(a.source).localeCompare(String(b.source)))
		.slice(0, 8);

	const series = await sql<{ bucket: string; mqls: number; sqls: number }>`
		select to_char(date_trunc(${interval}, c.at at time zone ${period.zone}), 'YYYY-MM-DD') as bucket,
			count(*) filter (where c.to_stage = 'mql')::int as mqls, count(*) filter (where c.to_stage = 'sql')::int as sqls
		from stage_changes c where c.to_stage in ('mql', 'sql') and c.at >= ${startAt} and c.at < ${endAt}
		group by 1`.execute(db);

	// Of the leads that became MQLs in the period, how many sales has accepted so far.
	const mqlToSql = await sql<{ mqls: number; sqls: number }>`
		with made as (select distinct lead_id from stage_changes where to_stage = 'mql' and at >= ${startAt} and at < ${endAt})
		select count(*)::int as mqls, count(*) filter (where exists (select 1 from stage_changes s where s.lead_id = made.lead_id
			and s.to_stage in ('sql', 'opportunity', 'customer')) or exists (select 1 from leads l where l.id = made.lead_id
			and l.stage in ('sql', 'opportunity', 'customer')))::int as sqls
		from made`.execute(db);
	const m = mqlToSql.rows[0] as { mqls: number; sqls: number };

	const temperatures = await sql<{ temperature: string | null; n: number }>`
		select s.temperature, count(*)::int as n from leads l
		left join lead_scores s on s.lead_id = l.id and s.model_version = ${activeVersion}
		where l.merged_into is null and l.first_seen_at >= ${startAt} and l.first_seen_at < ${endAt}
		group by 1`.execute(db);
	const byTemperature = Object.fromEntries(temperatures.rows.map((r) => [r.temperature ?? "unscored", r.n]));

	const [speed] = await handoffMetrics(db, "all", startAt, endAt);
	return {
		period: { ...period, interval, start: startAt.toISOString(), end: endAt.toISOString() },
		funnel: funnelRows([t.leads, t.mqls, t.sqls, t.opportunities, t.customers]),
		series: filledSeries(bucketKeys(period.from, period.to, interval), series.rows, ["mqls", "sqls"]),
		mqlToSql: { mqls: m.mqls, sqls: m.sqls, rate: rate(m.sqls, m.mqls) },
		handoffs: {
			handoffs: speed?.handoffs ?? 0,
			touched: speed?.touched ?? 0,
			speedToLeadMedian: speed?.speedToLeadMedian ?? null,
			speedToLeadP90: speed?.speedToLeadP90 ?? null,
			acceptanceRate: speed?.acceptanceRate ?? null,
			breached: speed?.breached ?? 0,
		},
		sources: topSources.map((s) => ({
			source: s.source ?? "(direct)",
			leads: s.leads,
			mqls: s.mqls,
			sqls: s.sqls,
			customers: s.customers,
			leadToMql: rate(s.mqls, s.leads),
			mqlToSql: rate(s.sqls, s.mqls),
		})),
		temperatures: {
			hot: byTemperature.hot ?? 0,
			warm: byTemperature.warm ?? 0,
			cold: byTemperature.cold ?? 0,
			unscored: byTemperature.unscored ?? 0,
		},
		steps: [...FUNNEL_STEPS],
	};
}
