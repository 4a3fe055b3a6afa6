import { type RawBuilder, sql } from "kysely";

/** How far down the funnel a stage is, in SQL: lead 1 (and the side stages), mql 2 … customer 5. */
export const rankOf = (stage: RawBuilder<unknown>) => sql<number>`case ${stage}
	when 'mql' then 2 when 'sql' then 3 when 'opportunity' then 4 when 'customer' then 5 else 1 end`;

export const REACH_RANK = { lead: 1, mql: 2, sql: 3, opportunity: 4, customer: 5 } as const;

/**
 * The furthest funnel step the lead (table alias `alias`) ever held: its stage now or any stage it
 * was moved to, so that a later correction or rejection does not hide what happened.
 */
export const reachedRank = (alias: string) =>
	sql<number>`greatest(${rankOf(sql.ref(`${alias}.stage`))}, coalesce((select max(${rankOf(sql.ref("c.to_stage"))})
		from stage_changes c where c.lead_id = ${sql.ref(`${alias}.id`)}), 1))`;
