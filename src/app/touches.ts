import { sql } from "kysely";
import { AppError } from "../domain/errors.js";
import type { Touch, TouchInput } from "../schemas/handoff.js";
import type { Db } from "../storage/database.js";
import { inTransaction } from "../storage/transaction.js";
import { findLive } from "./find-lead.js";
import type { SalesActor } from "./handoffs.js";
import { recheckSegments } from "./segments/segment-membership.js";

interface TouchRow {
	id: string;
	lead_id: string;
	handoff_id: string | null;
	kind: Touch["kind"];
	outcome: Touch["outcome"];
	note: string | null;
	at: Date;
	actor_id: string | null;
	actor_name: string | null;
}

const toTouch = (r: TouchRow): Touch => ({
	id: String(r.id),
	leadId: r.lead_id,
	handoffId: r.handoff_id,
	kind: r.kind,
	outcome: r.outcome,
	note: r.note,
	at: new Date(r.at).toISOString(),
	actorId: r.actor_id,
	actorName: r.actor_name,
});

/**
 * Logs a call (with its outcome), an e-mail, a meeting or a note on a lead, in one transaction
 * with its effect: the first touch that is not a note stops the open handoff's SLA clock. A rep
 * linked to a sales owner may touch only the leads in their own queue.
 */
export async function recordTouch(
	db: Db,
	leadId: string,
	input: TouchInput,
	actor: SalesActor,
	now: Date,
): Promise<Touch> {
	const lead = await findLive(db, leadId);
	const id = await inTransaction(db, async (trx) => {
		const open = await sql<{ id: string; owner_id: string | null }>`select id, owner_id from handoffs
			where lead_id = ${lead.id}::uuid and status = 'open' for update`.execute(trx);
		const handoff = open.rows[0];
		if (actor.ownerId && handoff?.owner_id !== actor.ownerId)
			throw new AppError("forbidden", "This lead is not in your queue; ask a manager to reassign it.");
		if (handoff && input.kind !== "note")
			await sql`update handoffs set first_touch_at = coalesce(first_touch_at, ${now}),
					first_touch_kind = coalesce(first_touch_kind, ${input.kind})
				where id = ${handoff.id}::uuid`.execute(trx);
		const inserted = await trx
			.insertInto("touches")
			.values({
				lead_id: lead.id,
				handoff_id: handoff?.id ?? null,
				kind: input.kind,
				outcome: input.outcome ?? null,
				note: input.note || null,
				at: now,
				actor_id: actor.id,
			})
			.returning("id")
			.executeTakeFirstOrThrow();
		await recheckSegments(trx, [lead.id], now);
		return inserted.id;
	});
	const touches = await listTouches(db, lead.id);
	const touch = touches.find((t) => t.id === String(id));
	if (!touch) throw new Error(`touch ${id} vanished`);
	return touch;
}

/** A lead's touches and notes, newest first, with the name of whoever logged each. */
export async function listTouches(db: Db, leadId: string): Promise<Touch[]> {
	const lead = await findLive(db, leadId);
	const rows = await sql<TouchRow>`select t.*, u.name as actor_name from touches t
		left join users u on u.id::text = t.actor_id
		where t.lead_id = ${lead.id}::uuid order by t.at desc, t.id desc`.execute(db);
	return rows.rows.map(toTouch);
}
