import type { z } from "@hono/zod-openapi";
import { type RawBuilder, sql } from "kysely";
import { FUNNEL_STEPS, rate } from "../domain/funnel.js";
import { COHORTS, periodOf } from "../domain/report-periods.js";
import type { StageReport, StageReportQuery } from "../schemas/metrics.js";
import type { Db } from "../storage/database.js";
import { rankOf } from "../storage/funnel-reach.js";
import { boundsOf } from "./period-bounds.js";

type Query = z.output<typeof StageReportQuery>;

/** What a report can be broken down by, in SQL over the leads table `l`. */
const DIMENSIONS = (zone: string): Record<Query["by"], RawBuilder<string>> => ({
	source: sql<string>`coalesce(l.source, '(direct)')`,
	landingPage: sql<string>`coalesce(l.traits ->> 'landingPage', '(none)')`,
	// the campaign of the lead's first touch that named one (Segment's context.campaign.name, utm_campaign)
	campaign: sql<string>`coalesce((select e.context #>> '{campaign,name}' from events e
		where e.lead_id = l.id and e.context #>> '{campaign,name}' is not null
		order by e.timestamp, e.message_id limit 1), '(none)')`,
	owner: sql<string>`coalesce((select o.name from handoffs h join owners o on o.id = h.owner_id
		where h.lead_id = l.id order by h.assigned_at desc limit 1), '(nobody)')`,
	// a lead counts in each segment it is in now (so the groups may add up to more than the cohort)
	segment: sql<string>`unnest(coalesce(nullif(array(select g.name from segment_members m
		join segments g on g.id = m.segment_id where m.lead_id = l.id), '{}'), array['(none)']))`,
	month: sql<string>`to_char(date_trunc('month', l.first_seen_at at time zone ${zone}), 'YYYY-MM')`,
	all: sql<string>`'all'`,
});

interface Row {
	key: string;
	leads: number;
	mqls: number;
	sqls: number;
	opportunities: number;
	customers: number;
	lead_to_mql_p50: number | null;
	lead_to_mql_p90: number | null;
	mql_to_sql_p50: number | null;
	mql_to_sql_p90: number | null;
	first_to_customer_p50: number | null;
	first_to_customer_p90: number | null;
}

const days = (seconds: number | null) => (seconds === null ? null : Number(seconds) / 86_400);

/**
 * For the leads first seen in a period (the dashboard's cohort, from the same module): how many
 * reached each stage, the rate of each step, and the median and 90th percentile time between
 * stages (first seen → MQL, MQL → SQL, first seen → customer), broken down by source,
 * first-touch campaign, landing page, owner or first-seen month. A stage's time is the lead's first move to it (or past it).
 */
export async function stageReport(db: Db, query: Query, now: Date): Promise<StageReport> {
	const period = periodOf(query, now);
	const { start, end } = await boundsOf(db, period, query.zone);
	const key = DIMENSIONS(query.zone)[query.by];
	const span = (from: RawBuilder<Date>, to: RawBuilder<Date>) => sql`extract(epoch from ${to} - ${from})`;
	const p = (q: number, value: RawBuilder<unknown>) =>
		sql<number | null>`percentile_cont(${q}) within group (order by ${value}) filter (where ${value} is not null)`;
	const firstSeen = sql<Date>`cohort.first_seen_at`;
	const mqlAt = sql<Date>`cohort.mql_at`;
	const sqlAt = sql<Date>`cohort.sql_at`;
	const customerAt = sql<Date>`cohort.customer_at`;
	// Each lead's stage history through its index (a lateral join: the plan holds however stale
	// the table statistics are, as in an embedded store): the first time it reached each step or
	// a later one, and the furthest step it ever held (as the funnel counts it).
	const rows = await sql<Row>`with cohort as (
			select ${key} as key, l.first_seen_at, greatest(${rankOf(sql.ref("l.stage"))}, coalesce(f.rank, 1)) as reached,
				f.mql_at, f.sql_at, f.customer_at
			from leads l left join lateral (
				select min(c.at) filter (where c.to_stage in ('mql', 'sql', 'opportunity', 'customer')) as mql_at,
					min(c.at) filter (where c.to_stage in ('sql', 'opportunity', 'customer')) as sql_at,
					min(c.at) filter (where c.to_stage = 'customer') as customer_at,
					max(${rankOf(sql.ref("c.to_stage"))}) as rank
				from stage_changes c where c.lead_id = l.id) f on true
			where l.merged_into is null and l.first_seen_at >= ${start} and l.first_seen_at < ${end})
		select key, count(*)::int as leads, count(*) filter (where reached >= 2)::int as mqls,
			count(*) filter (where reached >= 3)::int as sqls, count(*) filter (where reached >= 4)::int as opportunities,
			count(*) filter (where reached >= 5)::int as customers,
			${p(0.5, span(firstSeen, mqlAt))} as lead_to_mql_p50, ${p(0.9, span(firstSeen, mqlAt))} as lead_to_mql_p90,
			${p(0.5, span(mqlAt, sqlAt))} as mql_to_sql_p50, ${p(0.9, span(mqlAt, sqlAt))} as mql_to_sql_p90,
			${p(0.5, span(firstSeen, customerAt))} as first_to_customer_p50,
			${p(0.9, span(firstSeen, customerAt))} as first_to_customer_p90
		from cohort group by key order by leads desc, key`.execute(db);
	return {
		period: { ...period, zone: query.zone, start: start.toISOString(), end: end.toISOString() },
		cohort: COHORTS.leads,
		by: query.by,
		steps: [...FUNNEL_STEPS],
		groups: rows.rows.map((r) => ({
			key: r.key,
			leads: r.leads,
			reached: [r.leads, r.mqls, r.sqls, r.opportunities, r.customers],
			leadToMql: rate(r.mqls, r.leads),
			mqlToSql: rate(r.sqls, r.mqls),
			won: rate(r.customers, r.leads),
			days: {
				leadToMql: { p50: days(r.lead_to_mql_p50), p90: days(r.lead_to_mql_p90) },
				mqlToSql: { p50: days(r.mql_to_sql_p50), p90: days(r.mql_to_sql_p90) },
				firstSeenToCustomer: { p50: days(r.first_to_customer_p50), p90: days(r.first_to_customer_p90) },
			},
		})),
	};
}
