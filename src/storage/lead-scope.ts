import { type RawBuilder, sql } from "kysely";

/** The leads a report or a list is narrowed to: a segment's members now, a company's people. */
export interface LeadScope {
	segment?: string | undefined;
	account?: string | undefined;
}

/**
 * The lead (its id as SQL) is in the scope; always true for an empty scope. The dashboard's
 * figures, the sales-team card and the lead list all narrow by this one test, so a count and the
 * list it opens agree.
 */
export function inScope(leadId: RawBuilder<unknown>, scope: LeadScope): RawBuilder<boolean> {
	const tests: RawBuilder<boolean>[] = [];
	if (scope.segment)
		tests.push(sql<boolean>`exists (select 1 from segment_members m where m.segment_id = ${scope.segment}::uuid
			and m.lead_id = ${leadId})`);
	if (scope.account)
		tests.push(sql<boolean>`exists (select 1 from leads x where x.id = ${leadId}
			and x.account_id = ${scope.account}::uuid)`);
	return tests.length === 0 ? sql<boolean>`true` : sql<boolean>`(${sql.join(tests, sql` and `)})`;
}
