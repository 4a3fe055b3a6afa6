import { sql, type Transaction } from "kysely";
import { AppError } from "../domain/errors.js";
import { type Actor, checkMove, type RejectionReason } from "../domain/lifecycle.js";
import { isStage, type Stage } from "../domain/stages.js";
import type { WebhookEventType } from "../schemas/webhooks.js";
import type { Db } from "../storage/database.js";
import type { Tables } from "../storage/tables.js";
import { inTransaction } from "../storage/transaction.js";
import { assignHandoff } from "./assign-handoff.js";
import { findLive } from "./find-lead.js";
import { followStageMove } from "./nurture/follow-nurture.js";
import { recheckSegments } from "./segments/segment-membership.js";
import { emitEvent } from "./webhook-events.js";

export interface StageMove {
	leadId: string;
	from: Stage;
	to: Stage;
	actor: Actor;
	actorId?: string | null;
	reason?: string | null;
	rejection?: RejectionReason | null;
	note?: string | null;
	modelVersion?: number | null;
	messageId?: string | null;
	/** recycled leads may not become MQLs again for this many days */
	cooldownDays?: number | null;
	/** score and profile for the webhook message */
	context?: Record<string, unknown>;
	/** when it happened, if not now: the time of the event that caused it */
	at?: Date | null;
	/** the app clock's time as the move is recorded: a handoff's SLA and a cooldown start then */
	now: Date;
	/**
	 * a move from imported history: recorded on its day, but no handoff is made and no webhook
	 * sent, since it happened long ago (an open handoff is still closed by a later stage)
	 */
	history?: boolean;
}

const EVENT_OF: Partial<Record<Stage, WebhookEventType>> = {
	mql: "lead.mql",
	sql: "lead.sql",
	recycled: "lead.recycled",
	disqualified: "lead.disqualified",
};

/**
 * Applies a checked move in the caller's transaction: the lead's stage, the history row, the
 * handoff, the lead's segments and the webhook message (outbox), together or not at all.
 */
export async function applyMove(trx: Transaction<Tables>, move: StageMove): Promise<void> {
	const cooldown = move.to === "recycled" && move.cooldownDays ? move.cooldownDays : null;
	const at = move.at ?? move.now;
	const cooldownUntil = cooldown === null ? null : new Date(move.now.getTime() + cooldown * 86_400_000);
	await sql`update leads set stage = ${move.to}, stage_changed_at = ${at}, updated_at = now(),
			mql_cooldown_until = ${cooldownUntil}
		where id = ${move.leadId}::uuid`.execute(trx);
	await trx
		.insertInto("stage_changes")
		.values({
			lead_id: move.leadId,
			from_stage: move.from,
			to_stage: move.to,
			actor: move.actor,
			actor_id: move.actorId ?? null,
			reason: move.reason ?? null,
			rejection: move.rejection ?? null,
			note: move.note ?? null,
			model_version: move.modelVersion ?? null,
			message_id: move.messageId ?? null,
			at,
		})
		.execute();
	await followHandoff(trx, move);
	// segments on stage, days since the change, owner and team follow the move, whoever made it
	// (the API, scoring, an outcome, an import, an MQA, the demo)
	await recheckSegments(trx, [move.leadId], move.now);
	await followStageMove(trx, move);
	const event = move.history ? undefined : EVENT_OF[move.to];
	if (event)
		await emitEvent(trx, event, {
			...move.context,
			leadId: move.leadId,
			from: move.from,
			to: move.to,
			actor: move.actor,
			reason: move.reason ?? null,
			rejection: move.rejection ?? null,
			note: move.note ?? null,
			modelVersion: move.modelVersion ?? null,
			causedBy: move.messageId ?? null,
		});
}

/** An MQL goes to sales; a lead leaving MQL closes its open handoff with the outcome. */
async function followHandoff(trx: Transaction<Tables>, move: StageMove): Promise<void> {
	if (move.from === "mql" && move.to !== "mql") {
		const status =
			move.to === "sql" ? "accepted" : move.to === "recycled" || move.to === "disqualified" ? "rejected" : "closed";
		await sql`update handoffs set status = ${status}, outcome_at = ${move.at ?? move.now}, rejection = ${move.rejection ?? null},
				note = coalesce(${move.note ?? null}, note)
			where lead_id = ${move.leadId}::uuid and status = 'open'`.execute(trx);
	}
	if (move.to !== "mql" || move.history) return;
	const lead = await trx
		.selectFrom("leads")
		.select(["email", "timezone", "traits", "consent_status", "stage"])
		.where("id", "=", move.leadId)
		.executeTakeFirstOrThrow();
	const profile = {
		email: lead.email,
		timezone: lead.timezone,
		traits: lead.traits,
		consent: lead.consent_status,
		stage: "mql",
	};
	await assignHandoff(trx, move.leadId, profile, move.now, { ...move.context, reason: move.reason ?? null });
}

/** A move asked for through the API: checked against the transition table under the lead's row lock. */
export async function changeStage(
	db: Db,
	id: string,
	request: Omit<StageMove, "leadId" | "from" | "modelVersion" | "messageId">,
): Promise<void> {
	const lead = await findLive(db, id);
	await inTransaction(db, async (trx) => {
		const row = await trx.selectFrom("leads").select("stage").where("id", "=", lead.id).forUpdate().executeTakeFirst();
		if (!row) throw new AppError("not_found", `No lead with id ${id}.`);
		const from = isStage(row.stage) ? row.stage : "lead";
		const verdict = checkMove({
			from,
			to: request.to,
			actor: request.actor,
			reason: request.reason,
			rejection: request.rejection,
		});
		if (!verdict.allowed) {
			const missing = verdict.problems.some((p) => p.field !== "to");
			throw new AppError(missing ? "validation_failed" : "conflict", verdict.message, verdict.problems);
		}
		await applyMove(trx, { ...request, leadId: lead.id, from });
	});
}

export async function stageHistory(db: Db, id: string) {
	const lead = await findLive(db, id);
	const rows = await db
		.selectFrom("stage_changes as c")
		.leftJoin("users as u", (join) => join.on(sql`u.id::text`, "=", sql`c.actor_id`))
		.selectAll("c")
		.select("u.name as actor_name")
		.where("c.lead_id", "=", lead.id)
		.orderBy("c.at", "desc")
		.orderBy("c.id", "desc")
		.execute();
	return rows.map((r) => ({
		from: r.from_stage,
		to: r.to_stage,
		at: new Date(r.at).toISOString(),
		actor: r.actor,
		actorId: r.actor_id,
		actorName: r.actor_name,
		reason: r.reason,
		rejection: r.rejection,
		note: r.note,
		modelVersion: r.model_version,
		causedBy: r.message_id,
	}));
}
