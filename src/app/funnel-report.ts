import type { z } from "@hono/zod-openapi";
import { type RawBuilder, sql } from "kysely";
import { bucketKeys, FUNNEL_STEPS, filledSeries, funnelRows, intervalFor, rate } from "../domain/funnel.js";
import { ACCEPTED, COHORTS, change, periodOf, previousPeriod } from "../domain/report-periods.js";
import type { FunnelQuery, FunnelReport } from "../schemas/metrics.js";
import { activeVersion } from "../storage/active-version.js";
import type { Db } from "../storage/database.js";
import { REACH_RANK, reachedRank } from "../storage/funnel-reach.js";
import { inScope, type LeadScope } from "../storage/lead-scope.js";
import { boundsOf } from "./period-bounds.js";

type Query = z.output<typeof FunnelQuery>;

/** Leads handed to sales in [start, end), each once, with what became of them. */
async function handoffFigures(db: Db, start: Date, end: Date, scope: LeadScope) {
	const row = await sql<{
		leads: number;
		touched: number;
		accepted: number;
		rejected: number;
		open: number;
		breached: number;
		median: number | null;
		p90: number | null;
	}>`with h as (select * from handoffs where assigned_at >= ${start} and assigned_at < ${end}
			and ${inScope(sql`handoffs.lead_id`, scope)})
		select count(distinct h.lead_id)::int as leads,
			count(distinct h.lead_id) filter (where h.first_touch_at is not null)::int as touched,
			(select count(*)::int from leads l where l.id in (select lead_id from h)
				and ${reachedRank("l")} >= ${REACH_RANK.sql}) as accepted,
			count(distinct h.lead_id) filter (where h.status = 'rejected')::int as rejected,
			count(distinct h.lead_id) filter (where h.status = 'open')::int as open,
			count(distinct h.lead_id) filter (where h.breached_at is not null)::int as breached,
			percentile_cont(0.5) within group (order by extract(epoch from h.first_touch_at - h.assigned_at))
				filter (where h.first_touch_at is not null) as median,
			percentile_cont(0.9) within group (order by extract(epoch from h.first_touch_at - h.assigned_at))
				filter (where h.first_touch_at is not null) as p90
		from h`.execute(db);
	const r = row.rows[0];
	return {
		leads: r?.leads ?? 0,
		touched: r?.touched ?? 0,
		accepted: r?.accepted ?? 0,
		rejected: r?.rejected ?? 0,
		open: r?.open ?? 0,
		breached: r?.breached ?? 0,
		speedToLeadMedian: r?.median == null ? null : Number(r.median),
		speedToLeadP90: r?.p90 == null ? null : Number(r.p90),
	};
}

/** Leads first seen in [start, end), and of the leads that became MQLs in it, how many reached SQL. */
async function headline(db: Db, start: Date, end: Date, scope: LeadScope) {
	const row = await sql<{ leads: number; mqls: number; sqls: number }>`select
		(select count(*)::int from leads l where l.merged_into is null
			and l.first_seen_at >= ${start} and l.first_seen_at < ${end} and ${inScope(sql`l.id`, scope)}) as leads,
		count(*)::int as mqls,
		count(*) filter (where ${reachedRank("l")} >= ${REACH_RANK.sql})::int as sqls
		from leads l where l.merged_into is null and ${madeIn("mql", start, end)}
			and ${inScope(sql`l.id`, scope)}`.execute(db);
	return row.rows[0] ?? { leads: 0, mqls: 0, sqls: 0 };
}

/** The lead `l` was moved to `stage` within [start, end). */
const madeIn = (stage: string, start: Date, end: Date): RawBuilder<boolean> =>
	sql<boolean>`exists (select 1 from stage_changes c where c.lead_id = l.id and c.to_stage = ${stage}
		and c.at >= ${start} and c.at < ${end})`;

/**
 * The dashboard's numbers for a period, each for the cohort its card names (see
 * domain/report-periods.ts): the funnel of the leads first seen in it, MQL → SQL of the MQLs made
 * in it, speed to lead of the leads handed off in it; with the same figures for the period
 * before, sources and temperatures. Every count is of leads, so each matches the lead list its
 * card links to.
 */
export async function funnelReport(db: Db, query: Query, now: Date): Promise<FunnelReport> {
	const period = periodOf(query, now);
	const zone = query.zone;
	const interval = query.interval ?? intervalFor(period.from, period.to);
	const previous = previousPeriod(period);
	const [{ start, end }, before] = await Promise.all([boundsOf(db, period, zone), boundsOf(db, previous, zone)]);

	const scope = { segment: query.segment, account: query.account };
	const member = inScope(sql`l.id`, scope);
	const cohort = sql`cohort as (
		select l.id, coalesce(l.source, '(direct)') as source, ${reachedRank("l")} as reached
		from leads l where l.merged_into is null and l.first_seen_at >= ${start} and l.first_seen_at < ${end}
			and ${member})`;
	type Reached = { leads: number; mqls: number; sqls: number; opportunities: number; customers: number };
	// The figures are independent reads: on PostgreSQL they run side by side on the pool.
	const [grouped, series, now_, then, handoffs, handoffsBefore, temperatures] = await Promise.all([
		// One pass over the cohort: the totals (the empty grouping set) and each source.
		sql<Reached & { source: string | null; total: boolean }>`with ${cohort}
			select source, grouping(source) = 1 as total, count(*)::int as leads,
				count(*) filter (where reached >= 2)::int as mqls, count(*) filter (where reached >= 3)::int as sqls,
				count(*) filter (where reached >= 4)::int as opportunities, count(*) filter (where reached >= 5)::int as customers
			from cohort group by grouping sets ((source), ())`.execute(db),
		// Each lead once, in the bucket of its first move to MQL (or SQL) in the period: the bars
		// add up to the MQL card's count.
		sql<{ bucket: string; mqls: number; sqls: number }>`
			with firsts as (select c.lead_id, c.to_stage, min(c.at) as at from stage_changes c
				join leads l on l.id = c.lead_id and l.merged_into is null and ${member}
				where c.to_stage in ('mql', 'sql') and c.at >= ${start} and c.at < ${end} group by 1, 2)
			select to_char(date_trunc(${interval}, at at time zone ${zone}), 'YYYY-MM-DD') as bucket,
				count(*) filter (where to_stage = 'mql')::int as mqls, count(*) filter (where to_stage = 'sql')::int as sqls
			from firsts group by 1`.execute(db),
		headline(db, start, end, scope),
		headline(db, before.start, before.end, scope),
		handoffFigures(db, start, end, scope),
		handoffFigures(db, before.start, before.end, scope),
		sql<{ temperature: string | null; n: number }>`
			select s.temperature, count(*)::int as n from leads l
			left join lead_scores s on s.lead_id = l.id and s.model_version = ${activeVersion}
			where l.merged_into is null and l.first_seen_at >= ${start} and l.first_seen_at < ${end} and ${member}
			group by 1`.execute(db),
	]);
	const empty: Reached = { leads: 0, mqls: 0, sqls: 0, opportunities: 0, customers: 0 };
	const t = grouped.rows.find((r) => r.total) ?? empty;
	const topSources = grouped.rows
		.filter((r) => !r.total)
		.sort((a, b) => b.leads - a.leads || String(a.source).localeCompare(String(b.source)))
		.slice(0, 8);
	const byTemperature = Object.fromEntries(temperatures.rows.map((r) => [r.temperature ?? "unscored", r.n]));

	const iso = (d: Date) => new Date(d).toISOString();
	return {
		period: {
			preset: query.preset ?? null,
			...period,
			zone,
			interval,
			start: iso(start),
			end: iso(end),
			previous: { ...previous, start: iso(before.start), end: iso(before.end) },
		},
		cohorts: { ...COHORTS, accepted: ACCEPTED },
		funnel: funnelRows([t.leads, t.mqls, t.sqls, t.opportunities, t.customers]),
		series: filledSeries(bucketKeys(period.from, period.to, interval), series.rows, ["mqls", "sqls"]),
		mqlToSql: { mqls: now_.mqls, sqls: now_.sqls, rate: rate(now_.sqls, now_.mqls) },
		handoffs,
		changes: {
			leads: { previous: then.leads, change: change(now_.leads, then.leads) },
			mqls: { previous: then.mqls, change: change(now_.mqls, then.mqls) },
			sqls: { previous: then.sqls, change: change(now_.sqls, then.sqls) },
			handedOff: { previous: handoffsBefore.leads, change: change(handoffs.leads, handoffsBefore.leads) },
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
