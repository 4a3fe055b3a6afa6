import { sql } from "kysely";
import { AppError } from "../../domain/errors.js";
import type { Enrolment, EnrolResult } from "../../schemas/nurture.js";
import type { Db } from "../../storage/database.js";
import { inTransaction } from "../../storage/transaction.js";
import { activeSequences, enrolLeads } from "./enrol.js";
import { endEnrolments } from "./enrolment-ends.js";
import { storedDefinition } from "./stored-definition.js";

/** Enrols leads by hand, or every member of a segment or list, in a running sequence. */
export async function enrolByHand(
	db: Db,
	sequenceId: string,
	input: { leadIds?: string[] | undefined; segment?: string | undefined },
	now: Date,
): Promise<EnrolResult> {
	const result = await inTransaction(db, async (trx) => {
		const sequence = (await activeSequences(trx)).find((s) => s.id === sequenceId);
		if (!sequence) {
			const exists = await trx.selectFrom("sequences").select("status").where("id", "=", sequenceId).executeTakeFirst();
			if (!exists) throw new AppError("not_found", "No such sequence.");
			throw new AppError("conflict", `The sequence is ${exists.status}: start it before enrolling leads.`);
		}
		let leadIds = input.leadIds ?? [];
		let trigger = "enrolled by hand";
		if (input.segment) {
			const segment = await trx
				.selectFrom("segments")
				.select("name")
				.where("id", "=", input.segment)
				.executeTakeFirst();
			if (!segment)
				throw new AppError("not_found", "No such segment.", [{ field: "segment", message: "no such segment" }]);
			leadIds = (
				await trx.selectFrom("segment_members").select("lead_id").where("segment_id", "=", input.segment).execute()
			).map((r) => r.lead_id);
			trigger = `list: ${segment.name}`;
		}
		const result: EnrolResult = { enrolled: 0, heldOut: 0, skipped: 0 };
		for (let i = 0; i < leadIds.length; i += 5_000) {
			const part = await enrolLeads(trx, sequence, leadIds.slice(i, i + 5_000), trigger, now);
			result.enrolled += part.enrolled;
			result.heldOut += part.heldOut;
			result.skipped += part.skipped;
		}
		return result;
	});
	// a large list at once: the planner learns of the new rows now rather than at the next autovacuum
	if (result.enrolled + result.heldOut > 10_000) await sql`analyze enrolments`.execute(db);
	return result;
}

/** Takes a lead out of a sequence by hand; its queued e-mails are not sent. */
export async function removeEnrolment(db: Db, enrolmentId: string, now: Date): Promise<void> {
	const ended = await inTransaction(db, (trx) =>
		endEnrolments(trx, sql`e.id = ${enrolmentId}::uuid`, "removed by hand", now),
	);
	if (ended === 0) {
		const found = await db.selectFrom("enrolments").select("status").where("id", "=", enrolmentId).executeTakeFirst();
		if (!found) throw new AppError("not_found", "No such enrolment.");
		throw new AppError("conflict", `The enrolment has ended already (${found.status}).`);
	}
}

interface EnrolmentRow {
	id: string;
	sequence_id: string;
	sequence_name: string;
	version: number;
	lead_id: string;
	status: Enrolment["status"];
	step: number;
	definition: unknown;
	next_run_at: Date | null;
	trigger: string;
	entered_at: Date;
	ended_at: Date | null;
	exit_reason: string | null;
	emails: number;
}

/** A lead's enrolments, newest first: what a lead's page shows. */
export async function leadEnrolments(db: Db, leadId: string): Promise<Enrolment[]> {
	const rows = await sql<EnrolmentRow>`select e.id, e.sequence_id, s.name as sequence_name, e.version, e.lead_id,
			e.status, e.step, v.definition, e.next_run_at, e.trigger, e.entered_at, e.ended_at, e.exit_reason,
			(select count(*)::int from email_sends m where m.enrolment_id = e.id and m.status = 'sent') as emails
		from enrolments e join sequences s on s.id = e.sequence_id
		join sequence_versions v on v.sequence_id = e.sequence_id and v.version = e.version
		where e.lead_id = ${leadId}::uuid order by e.entered_at desc, e.id limit 200`.execute(db);
	const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
	return rows.rows.map((r) => ({
		id: r.id,
		sequenceId: r.sequence_id,
		sequenceName: r.sequence_name,
		version: r.version,
		leadId: r.lead_id,
		status: r.status,
		step: r.status === "active" ? (storedDefinition(r.definition).steps[r.step]?.id ?? null) : null,
		nextRunAt: iso(r.next_run_at),
		trigger: r.trigger,
		enteredAt: new Date(r.entered_at).toISOString(),
		endedAt: iso(r.ended_at),
		exitReason: r.exit_reason,
		emails: r.emails,
	}));
}
