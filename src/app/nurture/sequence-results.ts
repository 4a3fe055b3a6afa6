import { sql } from "kysely";
import type { SequenceResults, StepResult } from "../../schemas/nurture.js";
import type { Db } from "../../storage/database.js";
import { nurtureSettings } from "./nurture-settings.js";
import { getSequence } from "./sequences.js";

type Counts = Omit<StepResult, "step" | "kind">;

/**
 * A sequence's results: per e-mail step what became of its sends (opens and clicks by people and
 * by machines apart), and how many of those it enrolled reached MQL and SQL within N days of
 * entering, against those it held out.
 */
export async function sequenceResults(db: Db, sequenceId: string): Promise<SequenceResults> {
	const sequence = await getSequence(db, sequenceId);
	const { resultsDays: days } = await nurtureSettings(db);
	const window = `${days} days`;
	const perStep = await sql<Counts & { step: string }>`
		with sends as (
			select s.*,
				exists (select 1 from email_activity a where a.send_id = s.id and a.machine is null) as human_open,
				exists (select 1 from email_activity a where a.send_id = s.id and a.machine is null and a.kind = 'click') as human_click,
				exists (select 1 from email_activity a where a.send_id = s.id and a.machine is not null and a.kind = 'open') as machine_open,
				exists (select 1 from email_activity a where a.send_id = s.id and a.machine is not null and a.kind = 'click') as machine_click,
				s.status = 'sent' and exists (select 1 from events ev where ev.lead_id = s.lead_id and ev.type = 'track'
					and regexp_replace(lower(ev.event), '[\\s_]+', ' ', 'g') = 'email replied'
					and ev.timestamp >= s.sent_at and ev.timestamp < s.sent_at + ${window}::interval) as replied
			from email_sends s where s.sequence_id = ${sequenceId}::uuid)
		select step,
			count(*) filter (where status = 'sent')::int as sent,
			count(*) filter (where status = 'sent' and bounced_at is null)::int as delivered,
			count(*) filter (where status = 'sent' and human_open)::int as opened,
			count(*) filter (where status = 'sent' and machine_open and not human_open)::int as "openedByMachine",
			count(*) filter (where status = 'sent' and human_click)::int as clicked,
			count(*) filter (where status = 'sent' and machine_click and not human_click)::int as "clickedByMachine",
			count(*) filter (where replied)::int as replied,
			count(unsubscribed_at)::int as unsubscribed,
			count(bounced_at)::int as bounced,
			count(complained_at)::int as complained,
			count(*) filter (where status = 'suppressed')::int as suppressed,
			count(*) filter (where status in ('failed', 'uncertain'))::int as failed
		from sends group by step`.execute(db);
	const byStep = new Map(perStep.rows.map((r) => [r.step, r]));
	const emailSteps = sequence.definition.steps.filter((s) => s.kind === "email").map((s) => s.id);
	const stepIds = [...emailSteps, ...[...byStep.keys()].filter((id) => !emailSteps.includes(id)).sort()];
	const empty: Counts = {
		sent: 0,
		delivered: 0,
		opened: 0,
		openedByMachine: 0,
		clicked: 0,
		clickedByMachine: 0,
		replied: 0,
		unsubscribed: 0,
		bounced: 0,
		complained: 0,
		suppressed: 0,
		failed: 0,
	};
	const steps = stepIds.map((id): StepResult => {
		const { step: _, ...counts } = byStep.get(id) ?? { step: id, ...empty };
		return { step: id, kind: "email", ...counts };
	});
	const total = steps.reduce<StepResult>(
		(sum, s) => {
			for (const key of Object.keys(empty) as Array<keyof Counts>) sum[key] += s[key];
			return sum;
		},
		{ step: "all", kind: "email", ...empty },
	);
	const groups = await sql<{ held: boolean; leads: number; mql: number; sql: number }>`
		select e.status = 'held_out' as held, count(distinct e.lead_id)::int as leads,
			count(distinct e.lead_id) filter (where exists (select 1 from stage_changes c where c.lead_id = e.lead_id
				and c.to_stage = 'mql' and c.at >= e.entered_at and c.at < e.entered_at + ${window}::interval))::int as mql,
			count(distinct e.lead_id) filter (where exists (select 1 from stage_changes c where c.lead_id = e.lead_id
				and c.to_stage in ('sql', 'opportunity', 'customer') and c.at >= e.entered_at
				and c.at < e.entered_at + ${window}::interval))::int as sql
		from enrolments e where e.sequence_id = ${sequenceId}::uuid group by 1`.execute(db);
	const outcome = (held: boolean) => {
		const g = groups.rows.find((r) => r.held === held) ?? { leads: 0, mql: 0, sql: 0 };
		return {
			leads: g.leads,
			mql: g.mql,
			sql: g.sql,
			mqlRate: g.leads > 0 ? g.mql / g.leads : null,
			sqlRate: g.leads > 0 ? g.sql / g.leads : null,
		};
	};
	const treated = outcome(false);
	const holdout = outcome(true);
	return {
		sequenceId,
		days,
		enrolled: treated.leads + holdout.leads,
		heldOut: holdout.leads,
		total,
		steps,
		treated,
		holdout,
		pausedReason: sequence.pausedReason,
	};
}
