import { sql } from "kysely";
import type { Logger } from "pino";
import { recheckSegments } from "../app/segments/segment-membership.js";
import { emitEvent } from "../app/webhook-events.js";
import { pickOwner, slaDueAt } from "../domain/handoff.js";
import type { Db } from "../storage/database.js";
import { lockTeam, ownerLoads } from "../storage/sales-rows.js";
import { inTransaction } from "../storage/transaction.js";
import { enqueueJob, type Job } from "./queue.js";

interface Due {
	id: string;
	lead_id: string;
	owner_id: string | null;
	team_id: string;
	email: string | null;
	named: boolean;
}

/**
 * Runs when a handoff's first touch falls due. Untouched, still open and not yet breached for
 * this due time, it is breached:
 * `handoff.sla_breached` goes out (with the team's manager) and, when the team says so, the
 * lead moves to the next available owner with a fresh SLA and a timer of its own.
 */
export function slaCheck(db: Db, logger?: Logger) {
	return async (job: Job): Promise<void> => {
		await inTransaction(db, async (trx) => {
			const due = (
				await sql<Due>`select h.id, h.lead_id, h.owner_id, h.team_id, l.email, coalesce(a.named, false) as named
					from handoffs h join leads l on l.id = h.lead_id left join accounts a on a.id = l.account_id
					where h.id = ${String(job.payload.handoffId)}::uuid and h.status = 'open' and h.first_touch_at is null
						and (h.breached_at is null or h.breached_at < h.sla_due_at) and h.sla_due_at <= now()
						and h.team_id is not null
					for update of h`.execute(trx)
			).rows[0];
			const team = due ? await lockTeam(trx, due.team_id) : null;
			if (!due || !team) return;
			await sql`update handoffs set breached_at = now() where id = ${due.id}::uuid`.execute(trx);
			let reassignedTo: string | null = null;
			// a named account's lead stays with the account's owner: the breach is told, not re-routed
			if (team.escalation === "reassign" && !due.named) {
				reassignedTo = pickOwner(await ownerLoads(trx, team.id, due.owner_id))?.id ?? null;
				if (reassignedTo) {
					const next = new Date(slaDueAt(Date.now(), team.slaMinutes, team.hours));
					await sql`update handoffs set owner_id = ${reassignedTo}::uuid, escalated_at = now(), sla_due_at = ${next},
							routed_by = 'escalation: reassigned after an SLA breach'
						where id = ${due.id}::uuid`.execute(trx);
					await sql`update owners set last_assigned_at = now() where id = ${reassignedTo}::uuid`.execute(trx);
					// The new owner's due time has a timer too: a second miss escalates again.
					await enqueueJob(trx, "handoff.sla_check", { handoffId: due.id }, { runAt: next });
				}
			}
			// the lead's owner changed: segments on owner and team follow it
			if (reassignedTo) await recheckSegments(trx, [due.lead_id], new Date());
			if (team.managerEmail) await enqueueJob(trx, "email.handoff", { handoffId: due.id, kind: "breached" });
			if (reassignedTo) await enqueueJob(trx, "email.handoff", { handoffId: due.id, kind: "assigned" });
			await emitEvent(trx, "handoff.sla_breached", {
				handoffId: due.id,
				leadId: due.lead_id,
				lead: { id: due.lead_id, email: due.email },
				ownerId: due.owner_id,
				team: { id: team.id, name: team.name, managerEmail: team.managerEmail },
				escalation: team.escalation,
				reassignedTo,
				reason: `no first touch within ${team.slaMinutes} business minutes`,
			});
			logger?.info({ handoff: due.id, reassignedTo }, "first-touch SLA breached");
		});
	};
}
