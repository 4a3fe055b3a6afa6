import { randomUUID } from "node:crypto";
import { sql, type Transaction } from "kysely";
import { compileRouting, pickOwner, type RoutingRule, slaDueAt } from "../domain/handoff.js";
import type { ScorableProfile } from "../domain/scoring/scorable.js";
import { enqueueJob } from "../jobs/queue.js";
import { Condition } from "../schemas/scoring-model.js";
import { lockTeam, ownerLoads } from "../storage/sales-rows.js";
import type { Tables } from "../storage/tables.js";
import { emitEvent } from "./webhook-events.js";

async function routingRules(trx: Transaction<Tables>): Promise<RoutingRule[]> {
	const rows = await trx
		.selectFrom("routing_rules")
		.selectAll()
		.where("enabled", "=", true)
		.orderBy("position")
		.execute();
	return rows.map((r) => ({
		id: r.id,
		name: r.name,
		condition: Condition.parse(r.condition),
		teamId: r.team_id,
		ownerId: r.owner_id,
	}));
}

/**
 * Routes a new MQL in the caller's transaction: the first routing rule it meets names a team
 * (or a named-account owner); inside the team, round-robin among owners who are available and
 * under their cap. The team row is locked so that two MQLs never take the same turn. The SLA
 * timer is a job due when first touch is; a lead no rule matches goes to the oldest team.
 */
export async function assignHandoff(
	trx: Transaction<Tables>,
	leadId: string,
	lead: ScorableProfile,
	now: Date,
	context: Record<string, unknown>,
): Promise<string | null> {
	// A lead of a company with an owner goes to that owner (the account's team); the first owner
	// routing gives a company's lead becomes the company's.
	const account = (
		await sql<{ id: string; owner_id: string | null; team_id: string | null; name: string | null }>`
			select a.id, a.owner_id, o.team_id, a.name from leads l join accounts a on a.id = l.account_id
			left join owners o on o.id = a.owner_id where l.id = ${leadId}::uuid`.execute(trx)
	).rows[0];
	const rules = account?.owner_id && account.team_id ? [] : await routingRules(trx);
	const matched = account?.owner_id && account.team_id ? null : compileRouting(rules).router(lead);
	const teamId =
		account?.team_id ??
		matched?.teamId ??
		(await trx.selectFrom("teams").select("id").orderBy("created_at").orderBy("id").limit(1).executeTakeFirst())?.id;
	if (!teamId) return null; // no sales team set up yet: the MQL waits in the unassigned view
	const team = await lockTeam(trx, teamId);
	if (!team) return null;
	const ownerId = account?.owner_id ?? matched?.ownerId ?? pickOwner(await ownerLoads(trx, teamId))?.id ?? null;
	if (account && !account.owner_id && ownerId)
		await sql`update accounts set owner_id = ${ownerId}::uuid where id = ${account.id}::uuid and owner_id is null`.execute(
			trx,
		);
	const routedBy = account?.owner_id
		? `account owner: ${account.name ?? "its company"}`
		: matched
			? `rule: ${matched.name}`
			: "default team";
	const due = new Date(slaDueAt(now.getTime(), team.slaMinutes, team.hours));
	const source = await sql<{ source: string | null }>`select source from leads where id = ${leadId}::uuid`.execute(trx);
	const id = randomUUID();
	await trx
		.insertInto("handoffs")
		.values({
			id,
			lead_id: leadId,
			team_id: teamId,
			owner_id: ownerId,
			status: "open",
			routed_by: routedBy,
			assigned_at: now,
			sla_due_at: due,
			source: source.rows[0]?.source ?? null,
		})
		.execute();
	// Turns are strictly ordered even when many MQLs arrive at the same instant (one batch): a turn
	// is stamped after every earlier turn of the team, so equal times never send them all to one owner.
	if (ownerId)
		await sql`update owners set last_assigned_at = greatest(${now}::timestamptz,
				(select max(o.last_assigned_at) + interval '1 millisecond' from owners o where o.team_id = ${teamId}::uuid))
			where id = ${ownerId}::uuid`.execute(trx);
	await enqueueJob(trx, "handoff.sla_check", { handoffId: id }, { runAt: due });
	if (ownerId) await enqueueJob(trx, "email.handoff", { handoffId: id, kind: "assigned" });
	await emitEvent(trx, "handoff.assigned", {
		...context,
		handoffId: id,
		leadId,
		team: { id: team.id, name: team.name },
		ownerId,
		slaDueAt: due.toISOString(),
		routedBy,
	});
	return id;
}
