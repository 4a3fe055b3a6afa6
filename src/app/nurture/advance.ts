import { randomUUID } from "node:crypto";
import { sql, type Transaction } from "kysely";
import { nextWindow } from "../../domain/nurture/send-timing.js";
import { nextStep } from "../../domain/nurture/step-walk.js";
import { parseSegment } from "../../domain/segments/segment-text.js";
import { enqueueJob, notifyWorkers } from "../../jobs/queue.js";
import type { BranchTest, NurtureSettings, Step } from "../../schemas/nurture.js";
import type { Db } from "../../storage/database.js";
import { EMAIL_SEND, NURTURE_NOTIFY_OWNER, NURTURE_TRAITS } from "../../storage/job-constants.js";
import type { Tables } from "../../storage/tables.js";
import { inTransaction } from "../../storage/transaction.js";
import { segmentMembersAmong } from "../segments/segment-sql.js";
import { activeSequences, enrolLeads } from "./enrol.js";
import { nurtureSettings } from "./nurture-settings.js";
import { storedDefinition } from "./stored-definition.js";

interface DueEnrolment {
	id: string;
	sequence_id: string;
	sequence_name: string;
	lead_id: string;
	step: number;
	step_started_at: Date;
	entered_at: Date;
	definition: unknown;
	timezone: string | null;
}

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;
/** A send claimed this long ago and never finished: its worker died mid-send. */
export const SENDING_LEASE_MS = 10 * 60_000;
const MOST_STEPS_AT_ONCE = 50;

/**
 * Runs every step that is due at `now`, a batch of enrolments a transaction (claimed with SKIP
 * LOCKED, so workers share the work): each goes on until it has to wait or ends.
 */
export async function advanceNurture(db: Db, now: Date, batch = 1_000): Promise<number> {
	await sql`update email_sends set status = 'uncertain',
			reason = 'the worker stopped while sending it: it may or may not have left, and is not sent again'
		where status = 'sending' and claimed_at < ${new Date(now.getTime() - SENDING_LEASE_MS)}`.execute(db);
	const settings = await nurtureSettings(db);
	let ran = 0;
	for (;;) {
		const n = await inTransaction(db, async (trx) => {
			const due = await sql<DueEnrolment>`select e.id, e.sequence_id, s.name as sequence_name, e.lead_id, e.step,
					e.step_started_at, e.entered_at, v.definition, l.timezone
				from enrolments e join sequences s on s.id = e.sequence_id
				join sequence_versions v on v.sequence_id = e.sequence_id and v.version = e.version
				join leads l on l.id = e.lead_id
				where e.status = 'active' and e.next_run_at <= ${now} and s.status = 'active'
				order by e.next_run_at limit ${batch} for update of e skip locked`.execute(trx);
			const writes = new BatchWrites();
			for (const row of due.rows) await runEnrolment(trx, row, now, settings, writes);
			await writes.flush(trx, now);
			return due.rows.length;
		});
		ran += n;
		// until nothing is due (a step may have enrolled a lead elsewhere, due now too)
		if (n === 0) return ran;
	}
}

/**
 * What a batch of enrolments decided, written in a few statements at the end of the batch
 * (a hundred thousand leads entering at once wait, or get their first e-mail, in bulk).
 */
class BatchWrites {
	readonly parks: Array<{ id: string; step: number; startedAt: Date; at: Date }> = [];
	readonly ends: Array<{ id: string; status: "completed" | "exited"; step: number; reason: string }> = [];
	readonly sends: Array<{
		id: string;
		enrolment: string;
		sequence: string;
		step: string;
		template: string;
		lead: string;
	}> = [];

	async flush(trx: Transaction<Tables>, now: Date): Promise<void> {
		const { parks, ends, sends } = this;
		if (parks.length > 0)
			await sql`update enrolments e set step = u.step, step_started_at = u.started, next_run_at = u.at
				from unnest(${parks.map((p) => p.id)}::uuid[], ${parks.map((p) => p.step)}::int[],
					${parks.map((p) => p.startedAt.toISOString())}::timestamptz[], ${parks.map((p) => p.at.toISOString())}::timestamptz[])
					as u(id, step, started, at)
				where e.id = u.id`.execute(trx);
		if (ends.length > 0)
			await sql`update enrolments e set status = u.status, step = u.step, ended_at = ${now}, next_run_at = null,
					exit_reason = u.reason
				from unnest(${ends.map((x) => x.id)}::uuid[], ${ends.map((x) => x.status)}::text[],
					${ends.map((x) => x.step)}::int[], ${ends.map((x) => x.reason)}::text[]) as u(id, status, step, reason)
				where e.id = u.id`.execute(trx);
		if (sends.length > 0) {
			await sql`insert into email_sends (id, enrolment_id, sequence_id, step, template_id, lead_id, status, due_at)
				select u.id, u.enrolment, u.sequence, u.step, u.template, u.lead, 'queued', ${now}
				from unnest(${sends.map((x) => x.id)}::uuid[], ${sends.map((x) => x.enrolment)}::uuid[],
					${sends.map((x) => x.sequence)}::uuid[], ${sends.map((x) => x.step)}::text[],
					${sends.map((x) => x.template)}::uuid[], ${sends.map((x) => x.lead)}::uuid[])
					as u(id, enrolment, sequence, step, template, lead)`.execute(trx);
			await sql`insert into jobs (kind, payload)
				select ${EMAIL_SEND}, jsonb_build_object('sendId', id) from unnest(${sends.map((x) => x.id)}::text[]) as id`.execute(
				trx,
			);
			await notifyWorkers(trx);
		}
	}
}

async function runEnrolment(
	trx: Transaction<Tables>,
	e: DueEnrolment,
	now: Date,
	settings: NurtureSettings,
	writes: BatchWrites,
) {
	const { steps } = storedDefinition(e.definition);
	let index = e.step;
	let startedAt = new Date(e.step_started_at);
	const park = (at: Date) => writes.parks.push({ id: e.id, step: index, startedAt, at });
	const end = (status: "completed" | "exited", reason: string) =>
		writes.ends.push({ id: e.id, status, step: index, reason });

	for (let ran = 0; ran < MOST_STEPS_AT_ONCE; ran++) {
		const step = steps[index];
		if (!step) return end("completed", "finished the steps");
		let taken: boolean | undefined;
		switch (step.kind) {
			case "email":
				writes.sends.push({
					id: randomUUID(),
					enrolment: e.id,
					sequence: e.sequence_id,
					step: step.id,
					template: step.template,
					lead: e.lead_id,
				});
				break;
			case "wait": {
				const until = new Date(startedAt.getTime() + step.amount * UNIT_MS[step.unit]);
				if (until > now) return park(until);
				break;
			}
			case "wait_until": {
				const at = nextWindow(now, e.timezone ?? settings.defaultTimeZone, step.weekdays, step.from, step.to);
				if (at > now) return park(at);
				break;
			}
			case "branch":
				taken = await branchTaken(trx, e, step.if, now);
				break;
			case "update_traits":
				await enqueueJob(trx, NURTURE_TRAITS, {
					leadId: e.lead_id,
					traits: step.traits,
					messageId: `nurture:${e.id}:${step.id}:${startedAt.getTime()}`,
				});
				break;
			case "notify_owner":
				await enqueueJob(trx, NURTURE_NOTIFY_OWNER, {
					leadId: e.lead_id,
					sequence: e.sequence_name,
					message: step.message,
				});
				break;
			case "move_to":
				return moveTo(trx, e, step, now, end);
			case "exit":
				return end("completed", `exit step "${step.id}"`);
		}
		const next = nextStep(steps, index, taken);
		if (next === "end")
			return end("completed", taken === undefined ? "finished the steps" : `branch "${step.id}" ended it`);
		index = next;
		startedAt = now;
	}
	return park(new Date(now.getTime() + 60_000)); // a long run of steps goes on in a minute
}

async function moveTo(
	trx: Transaction<Tables>,
	e: DueEnrolment,
	step: Extract<Step, { kind: "move_to" }>,
	now: Date,
	end: (status: "completed" | "exited", reason: string) => unknown,
) {
	const target = (await activeSequences(trx)).find((s) => s.id === step.sequence);
	await end("completed", target ? `moved to "${target.name}"` : "the sequence to move to is not running");
	if (target) await enrolLeads(trx, target, [e.lead_id], `moved from "${e.sequence_name}"`, now);
}

const segmentTexts = new Map<string, ReturnType<typeof parseSegment>>();

async function branchTaken(trx: Transaction<Tables>, e: DueEnrolment, test: BranchTest, now: Date): Promise<boolean> {
	if (test.test === "matches") {
		let condition = segmentTexts.get(test.text);
		if (!condition) {
			condition = parseSegment(test.text);
			if (segmentTexts.size > 500) segmentTexts.clear();
			segmentTexts.set(test.text, condition);
		}
		return (await segmentMembersAmong(trx, condition, [e.lead_id], now)).length > 0;
	}
	if (test.test === "replied") {
		const row = await sql<{ yes: boolean }>`select exists (select 1 from events where lead_id = ${e.lead_id}::uuid
			and type = 'track' and regexp_replace(lower(event), '[\\s_]+', ' ', 'g') = 'email replied'
			and timestamp >= ${e.entered_at}) as yes`.execute(trx);
		return row.rows[0]?.yes ?? false;
	}
	// a person's open or click of the enrolment's latest e-mail (a click shows it was opened)
	const kinds = test.test === "opened_last" ? ["open", "click"] : ["click"];
	const row = await sql<{ yes: boolean }>`select exists (select 1 from email_activity a
		where a.send_id = (select id from email_sends where enrolment_id = ${e.id}::uuid
			order by created_at desc, due_at desc limit 1)
			and a.machine is null and a.kind = any(${kinds}::text[])) as yes`.execute(trx);
	return row.rows[0]?.yes ?? false;
}
