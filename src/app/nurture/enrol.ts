import { randomUUID } from "node:crypto";
import { sql, type Transaction } from "kysely";
import { isHeldOut } from "../../domain/nurture/holdout.js";
import { notifyWorkers } from "../../jobs/queue.js";
import type { EnrolResult, SequenceDefinition } from "../../schemas/nurture.js";
import { NURTURE_ADVANCE } from "../../storage/job-constants.js";
import type { Tables } from "../../storage/tables.js";
import { storedDefinition } from "./stored-definition.js";

export interface ActiveSequence {
	id: string;
	name: string;
	version: number;
	definition: SequenceDefinition;
}

/** The sequences running now, each with its current version. */
export async function activeSequences(trx: Transaction<Tables>): Promise<ActiveSequence[]> {
	const rows = await sql<{ id: string; name: string; version: number; definition: unknown }>`
		select s.id, s.name, s.version, v.definition from sequences s
		join sequence_versions v on v.sequence_id = s.id and v.version = s.version
		where s.status = 'active'`.execute(trx);
	return rows.rows.map((r) => ({ ...r, definition: storedDefinition(r.definition) }));
}

/**
 * Enrols live leads in a sequence under its re-entry policy, in the caller's transaction: a fixed
 * share is held out (recorded, never e-mailed); the rest start at the first step at once.
 */
export async function enrolLeads(
	trx: Transaction<Tables>,
	sequence: ActiveSequence,
	leadIds: readonly string[],
	trigger: string,
	now: Date,
): Promise<EnrolResult> {
	const ids = [...new Set(leadIds)];
	if (ids.length === 0) return { enrolled: 0, heldOut: 0, skipped: 0 };
	const { reentry, holdoutPercent } = sequence.definition;
	const since = reentry.policy === "after_days" ? new Date(now.getTime() - reentry.days * 86_400_000) : null;
	// one enrolment at a time per lead and sequence; the policy says whether an earlier one bars it
	const barred =
		reentry.policy === "never"
			? sql`true`
			: reentry.policy === "after_days"
				? sql`e.status = 'active' or e.entered_at > ${since}`
				: sql`e.status = 'active'`;
	const open = await sql<{ id: string }>`select l.id from unnest(${ids}::uuid[]) as u(id)
		join leads l on l.id = u.id
		where l.merged_into is null
			and not exists (select 1 from enrolments e where e.lead_id = l.id and e.sequence_id = ${sequence.id}::uuid
				and (${barred}))
		order by l.id`.execute(trx);
	const leads = open.rows.map((r) => r.id);
	const held = leads.map((id) => isHeldOut(sequence.id, id, holdoutPercent));
	const inserted = await sql<{ status: string }>`insert into enrolments
			(id, sequence_id, version, lead_id, status, step, step_started_at, next_run_at, trigger, entered_at, ended_at)
		select u.id, ${sequence.id}::uuid, ${sequence.version}, u.lead_id, u.status, 0, ${now},
			case when u.status = 'active' then ${now}::timestamptz end, ${trigger}, ${now},
			case when u.status = 'held_out' then ${now}::timestamptz end
		from unnest(${leads.map(() => randomUUID())}::uuid[], ${leads}::uuid[],
			${held.map((h) => (h ? "held_out" : "active"))}::text[]) as u(id, lead_id, status)
		on conflict (sequence_id, lead_id) where status = 'active' do nothing
		returning status`.execute(trx);
	const enrolled = inserted.rows.filter((r) => r.status === "active").length;
	const heldOut = inserted.rows.length - enrolled;
	if (enrolled > 0) await wakeNurture(trx);
	return { enrolled, heldOut, skipped: ids.length - inserted.rows.length };
}

/** Asks a worker to run due steps at once (one waiting request is enough). */
export async function wakeNurture(trx: Transaction<Tables>): Promise<void> {
	await sql`insert into jobs (kind) select ${NURTURE_ADVANCE}
		where not exists (select 1 from jobs where kind = ${NURTURE_ADVANCE} and done_at is null
			and locked_until is null and run_at <= now())`.execute(trx);
	await notifyWorkers(trx);
}
