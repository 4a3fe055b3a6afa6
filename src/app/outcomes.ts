import { createHash } from "node:crypto";
import { sql } from "kysely";
import { AppError } from "../domain/errors.js";
import { isUuid } from "../domain/ids.js";
import { isStage, type Stage } from "../domain/stages.js";
import type { Outcome, OutcomeInput } from "../schemas/outcomes.js";
import type { Db } from "../storage/database.js";
import { inTransaction } from "../storage/transaction.js";
import { applyMove } from "./stage-moves.js";

/** The stage an outcome means: an opportunity is one, a won deal a customer; a lost deal moves nothing. */
const STAGE_OF: Record<Outcome["outcome"], Stage | null> = { opportunity: "opportunity", won: "customer", lost: null };
const RANK: Record<string, number> = { mql: 2, sql: 3, opportunity: 4, customer: 5 };

/** The live lead a reference names: its id, the external id it was imported or identified with, or its e-mail. */
export async function leadIdOf(
	db: Db,
	who: { leadId?: string; externalId?: string; email?: string },
): Promise<string | null> {
	if (who.leadId && isUuid(who.leadId)) {
		const row = await db
			.selectFrom("leads")
			.select(["id", "merged_into"])
			.where("id", "=", who.leadId)
			.executeTakeFirst();
		if (row) return row.merged_into ?? row.id;
	}
	const identity = who.externalId
		? { kind: "user" as const, value: who.externalId }
		: who.email
			? { kind: "email" as const, value: who.email.trim().toLowerCase() }
			: null;
	if (!identity) return null;
	const row = await db
		.selectFrom("identities")
		.select("lead_id")
		.where("kind", "=", identity.kind)
		.where("value", "=", identity.value)
		.executeTakeFirst();
	return row?.lead_id ?? null;
}

export interface RecordedOutcome {
	outcome: Outcome;
	/** false when the same outcome was already recorded (sent or imported again) */
	created: boolean;
	/** the stage move it made, if any */
	moved: { from: string; to: string } | null;
	/** said of an outcome dated before the lead was first seen, which real data has */
	warning: string | null;
}

/**
 * Records what became of a lead and, in the same transaction, moves its stage forward to what
 * the outcome means (never back: a customer stays one). Imported outcomes are history: the move
 * is dated on the outcome's day and tells nobody. The same outcome twice is one row.
 */
export async function recordOutcome(
	db: Db,
	leadId: string,
	input: OutcomeInput,
	options: { source: "api" | "import"; actorId: string | null; now: Date },
): Promise<RecordedOutcome> {
	const at = new Date(input.at);
	const dedupeKey = createHash("sha256")
		.update(JSON.stringify([leadId, input.outcome, at.toISOString(), input.amount ?? null]))
		.digest("base64url");
	return inTransaction(db, async (trx) => {
		const lead = await trx
			.selectFrom("leads")
			.select(["id", "stage", "first_seen_at"])
			.where("id", "=", leadId)
			.forUpdate()
			.executeTakeFirst();
		if (!lead) throw new AppError("not_found", `No lead ${leadId}.`);
		const inserted = await trx
			.insertInto("outcomes")
			.values({
				lead_id: leadId,
				outcome: input.outcome,
				at,
				amount: input.amount ?? null,
				owner_ref: input.owner ?? null,
				source: options.source,
				dedupe_key: dedupeKey,
			})
			.onConflict((oc) => oc.column("dedupe_key").doNothing())
			.returning(["id"])
			.executeTakeFirst();
		const row = await trx
			.selectFrom("outcomes")
			.selectAll()
			.where("dedupe_key", "=", dedupeKey)
			.executeTakeFirstOrThrow();
		const outcome: Outcome = {
			id: String(row.id),
			leadId,
			outcome: row.outcome,
			at: new Date(row.at).toISOString(),
			amount: row.amount,
			owner: row.owner_ref,
			source: row.source,
		};
		const warning =
			at.getTime() < new Date(lead.first_seen_at).getTime()
				? `${input.outcome} on ${at.toISOString().slice(0, 10)}, before the lead was first seen (${new Date(lead.first_seen_at).toISOString().slice(0, 10)})`
				: null;
		const target = STAGE_OF[input.outcome];
		const from = isStage(lead.stage) ? lead.stage : "lead";
		if (!inserted || !target || (RANK[from] ?? 1) >= (RANK[target] ?? 0))
			return { outcome, created: Boolean(inserted), moved: null, warning };
		await applyMove(trx, {
			leadId,
			from,
			to: target,
			actor: "admin",
			actorId: options.actorId,
			reason: `${options.source === "import" ? "imported outcome" : "outcome"}: ${input.outcome} on ${at.toISOString().slice(0, 10)}`,
			at,
			now: options.now,
			history: options.source === "import",
		});
		return { outcome, created: true, moved: { from, to: target }, warning };
	});
}

/** A lead's outcomes, oldest first. */
export async function outcomesOf(db: Db, leadId: string): Promise<Outcome[]> {
	const rows = await sql<{
		id: string;
		outcome: Outcome["outcome"];
		at: Date;
		amount: number | null;
		owner_ref: string | null;
		source: Outcome["source"];
	}>`select id, outcome, at, amount, owner_ref, source from outcomes where lead_id = ${leadId}::uuid order by at, id`.execute(
		db,
	);
	return rows.rows.map((r) => ({
		id: String(r.id),
		leadId,
		outcome: r.outcome,
		at: new Date(r.at).toISOString(),
		amount: r.amount,
		owner: r.owner_ref,
		source: r.source,
	}));
}
