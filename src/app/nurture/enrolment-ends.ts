import { type RawBuilder, sql, type Transaction } from "kysely";
import type { Tables } from "../../storage/tables.js";

/**
 * Ends the running enrolments a condition picks (on `e`, the enrolment, and `v`, the version it
 * runs), recording why. Queued e-mails of ended enrolments are cancelled when their turn comes.
 */
export async function endEnrolments(
	trx: Transaction<Tables>,
	where: RawBuilder<unknown>,
	reason: string,
	now: Date,
): Promise<number> {
	const ended = await sql`update enrolments e set status = 'exited', ended_at = ${now}, exit_reason = ${reason},
			next_run_at = null
		from sequence_versions v
		where v.sequence_id = e.sequence_id and v.version = e.version and e.status = 'active' and ${where}`.execute(trx);
	return Number(ended.numAffectedRows ?? 0n);
}
