import { sql } from "kysely";
import { AppError } from "../domain/errors.js";
import { isUuid } from "../domain/ids.js";
import type { RejectionReason } from "../domain/lifecycle.js";
import type { Handoff, TouchInput } from "../schemas/handoff.js";
import { activeVersion } from "../storage/active-version.js";
import type { Db } from "../storage/database.js";
import { inTransaction } from "../storage/transaction.js";
import { changeStage } from "./stage-moves.js";
import { recordTouch } from "./touches.js";

interface HandoffRow {
	id: string;
	lead_id: string;
	team_id: string | null;
	owner_id: string | null;
	status: Handoff["status"];
	routed_by: string | null;
	assigned_at: Date;
	sla_due_at: Date | null;
	first_touch_at: Date | null;
	first_touch_kind: Handoff["firstTouchKind"];
	breached_at: Date | null;
	outcome_at: Date | null;
	rejection: string | null;
	note: string | null;
	source: string | null;
	email: string | null;
	traits: Record<string, unknown>;
	grade: string | null;
	temperature: string | null;
	qualification: string | null;
	consent_status: Handoff["lead"]["consent"];
	mql_cooldown_until: Date | null;
	team_name: string | null;
	team_timezone: string | null;
}

/** Who acts on a handoff: a rep linked to a sales owner may act only on their own. */
export interface SalesActor {
	id: string | null;
	ownerId: string | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);

function toHandoff(r: HandoffRow): Handoff {
	const name = [text(r.traits.firstName), text(r.traits.lastName)].filter(Boolean).join(" ");
	return {
		id: r.id,
		leadId: r.lead_id,
		teamId: r.team_id,
		ownerId: r.owner_id,
		status: r.status,
		routedBy: r.routed_by,
		assignedAt: new Date(r.assigned_at).toISOString(),
		slaDueAt: iso(r.sla_due_at),
		firstTouchAt: iso(r.first_touch_at),
		firstTouchKind: r.first_touch_kind,
		breachedAt: iso(r.breached_at),
		outcomeAt: iso(r.outcome_at),
		rejection: r.rejection,
		note: r.note,
		source: r.source,
		lead: {
			email: r.email,
			name: name || null,
			company: text(r.traits.company),
			grade: r.grade,
			temperature: r.temperature,
			why: r.qualification,
			phone: text(r.traits.phone),
			consent: r.consent_status,
			cooldownUntil: iso(r.mql_cooldown_until),
		},
		team: r.team_name === null ? null : { name: r.team_name, timezone: r.team_timezone ?? "UTC" },
	};
}

const SELECT = sql`select h.*, l.email, l.traits, l.consent_status, l.mql_cooldown_until,
		s.grade, s.temperature, s.qualification, t.name as team_name, t.timezone as team_timezone
	from handoffs h join leads l on l.id = h.lead_id
	left join teams t on t.id = h.team_id
	left join lead_scores s on s.lead_id = h.lead_id
		and s.model_version = ${activeVersion}`;

export interface HandoffFilter {
	ownerId?: string;
	teamId?: string;
	status?: Handoff["status"];
	limit?: number;
}

/**
 * A sales queue: open handoffs first, by first-touch due time; ties go to the better grade,
 * then the hotter lead. `total` counts every match, beyond the limit too.
 */
export async function listHandoffs(db: Db, filter: HandoffFilter): Promise<{ data: Handoff[]; total: number }> {
	const where = sql`(${filter.ownerId ?? null}::uuid is null or h.owner_id = ${filter.ownerId ?? null}::uuid)
		and (${filter.teamId ?? null}::uuid is null or h.team_id = ${filter.teamId ?? null}::uuid)
		and (${filter.status ?? null}::text is null or h.status = ${filter.status ?? null}::text)`;
	const rows = await sql<HandoffRow>`${SELECT} where ${where}
		order by (h.status = 'open') desc, h.sla_due_at nulls last, s.grade nulls last,
			case s.temperature when 'hot' then 0 when 'warm' then 1 when 'cold' then 2 else 3 end,
			h.assigned_at desc, h.id
		limit ${filter.limit ?? 200}`.execute(db);
	const count = await sql<{ n: number }>`select count(*)::int as n from handoffs h where ${where}`.execute(db);
	return { data: rows.rows.map(toHandoff), total: count.rows[0]?.n ?? 0 };
}

export async function getHandoff(db: Db, id: string): Promise<Handoff> {
	const row = isUuid(id) ? (await sql<HandoffRow>`${SELECT} where h.id = ${id}::uuid`.execute(db)).rows[0] : undefined;
	if (!row) throw new AppError("not_found", `No handoff ${id}.`);
	return toHandoff(row);
}

async function openHandoff(db: Db, id: string, actor: SalesActor): Promise<Handoff> {
	const handoff = await getHandoff(db, id);
	if (actor.ownerId && handoff.ownerId !== actor.ownerId)
		throw new AppError("forbidden", "This MQL is in another rep's queue; ask a manager to reassign it.");
	if (handoff.status !== "open") throw new AppError("conflict", `This handoff is already ${handoff.status}.`);
	return handoff;
}

/** Sales logs a touch on a handoff's lead; the first one that is not a note stops the SLA clock. */
export async function logTouch(db: Db, id: string, touch: TouchInput, actor: SalesActor, now: Date): Promise<Handoff> {
	const handoff = await openHandoff(db, id, actor);
	await recordTouch(db, handoff.leadId, touch, actor, now);
	return getHandoff(db, id);
}

/** Sales accepts: the lead becomes an SQL. Accepting counts as a first touch if none was logged. */
export async function acceptHandoff(db: Db, id: string, actor: SalesActor, now: Date): Promise<Handoff> {
	const handoff = await openHandoff(db, id, actor);
	await sql`update handoffs set first_touch_at = coalesce(first_touch_at, ${now}) where id = ${id}::uuid`.execute(db);
	await changeStage(db, handoff.leadId, { to: "sql", actor: "sales", actorId: actor.id, now });
	return getHandoff(db, id);
}

/** Sales rejects with a reason: the lead goes back to nurture (with a cooldown) or is disqualified. */
export async function rejectHandoff(
	db: Db,
	id: string,
	input: {
		rejection: RejectionReason;
		note?: string;
		outcome: "recycled" | "disqualified";
		cooldownDays: number;
		resetScore: boolean;
	},
	actor: SalesActor,
	now: Date,
): Promise<Handoff> {
	const handoff = await openHandoff(db, id, actor);
	await changeStage(db, handoff.leadId, {
		now,
		to: input.outcome,
		actor: "sales",
		actorId: actor.id,
		rejection: input.rejection,
		note: input.note ?? null,
		cooldownDays: input.outcome === "recycled" ? input.cooldownDays : null,
	});
	if (input.resetScore && input.outcome === "recycled")
		await inTransaction(db, async (trx) => {
			await sql`update leads set score_reset_at = ${now} where id = ${handoff.leadId}::uuid`.execute(trx);
			await trx.deleteFrom("lead_scores").where("lead_id", "=", handoff.leadId).execute();
		});
	return getHandoff(db, id);
}
