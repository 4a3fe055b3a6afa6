import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { RejectionReason } from "../domain/lifecycle.js";
import type { Db } from "../storage/database.js";
import { inTransaction } from "../storage/transaction.js";
import { ingestBatch } from "./ingest-batch.js";
import { recordOutcome } from "./outcomes.js";
import { createOwner, createTeam } from "./sales-setup.js";
import { applyMove } from "./stage-moves.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const OPEN_FOR = 14 * DAY;
const REASONS: RejectionReason[] = ["no_need_now", "bad_fit", "unreachable", "no_budget", "student", "competitor"];

/** A number in [0, 1) fixed by the person and a purpose, so that the demo is the same every time. */
function chance(person: string, purpose: string): number {
	return createHash("sha256").update(`${person}:${purpose}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** The demo's sales team, made only on a store without one, so that MQLs have someone to go to. */
export async function ensureDemoTeam(db: Db): Promise<boolean> {
	if (await db.selectFrom("teams").select("id").limit(1).executeTakeFirst()) return false;
	const team = await createTeam(db, {
		name: "Demo sales",
		timezone: "UTC",
		slaMinutes: 60,
		businessDays: [1, 2, 3, 4, 5],
		businessStart: "08:00",
		businessEnd: "18:00",
		managerEmail: null,
		escalation: "notify",
	});
	for (const name of ["Alex Rivera", "Sam Okafor", "Kim Lindqvist"])
		await createOwner(db, {
			name,
			email: `${name.split(" ")[0]?.toLowerCase()}@demo.qualify.dev`,
			teamId: team?.id ?? "",
			timezone: null,
			away: false,
			maxOpen: 10_000,
			active: true,
		});
	return true;
}

interface OpenHandoff {
	id: string;
	lead_id: string;
	/** the lead's e-mail or user id: lead ids are random, the demo's people are not */
	person: string;
	user_id: string | null;
	mql_at: Date;
	opportunity_at: Date | null;
	won_at: Date | null;
}

export interface DemoSalesSummary {
	accepted: number;
	rejected: number;
	won: number;
	open: number;
	/** buyers the CRM shows that never came through the queue (sales found them, or they called) */
	salesSourced: number;
}

/**
 * Plays the demo sales team's part for the MQLs the demo made: first touches minutes to hours
 * after each MQL, accepts for the leads whose CRM later shows an opportunity, rejections with a
 * reason for most others, and the newest left open in the queue. Every move is recorded as
 * sales by "demo", at the time it would have happened.
 */
export async function playDemoSales(db: Db, now: Date): Promise<DemoSalesSummary> {
	const summary: DemoSalesSummary = { accepted: 0, rejected: 0, won: 0, open: 0, salesSourced: 0 };
	const handoffs = await sql<OpenHandoff>`select h.id, h.lead_id,
			coalesce((select coalesce(l.email, l.user_id) from leads l where l.id = h.lead_id), h.lead_id::text) as person,
			(select l.user_id from leads l where l.id = h.lead_id) as user_id,
			(select max(c.at) from stage_changes c where c.lead_id = h.lead_id and c.to_stage = 'mql') as mql_at,
			(select min(e.timestamp) from events e where e.lead_id = h.lead_id and e.event = 'Opportunity Created') as opportunity_at,
			(select min(e.timestamp) from events e where e.lead_id = h.lead_id and e.event = 'Deal Won') as won_at
		from handoffs h where h.status = 'open' order by person`.execute(db);
	// what a rep types into the CRM once the call is made: set after the outcome, so it gives
	// the outcome away (the predictive score's leakage guard must catch it)
	const marks: Array<Record<string, unknown>> = [];
	const mark = (userId: string | null, quality: string, at: number) => {
		if (userId)
			marks.push({
				type: "identify",
				messageId: `demo-quality-${userId}`,
				userId,
				traits: { leadQuality: quality },
				timestamp: new Date(Math.min(at, now.getTime())).toISOString(),
			});
	};
	for (const h of handoffs.rows) {
		const mqlAt = new Date(h.mql_at).getTime();
		const touchAt = mqlAt + (5 * 60_000 + chance(h.person, "touch") ** 2 * 8 * HOUR);
		const opportunityAt = h.opportunity_at ? new Date(h.opportunity_at).getTime() : null;
		const decideAt = opportunityAt
			? Math.max(touchAt, Math.min(opportunityAt - DAY, touchAt + 2 * DAY))
			: touchAt + (1 + chance(h.person, "decide") * 3) * DAY;
		// The last fortnight's MQLs wait in the queue, as a real team's newest would.
		if (decideAt >= now.getTime() || mqlAt >= now.getTime() - OPEN_FOR) {
			summary.open++;
			continue;
		}
		const won = h.won_at ? new Date(h.won_at).getTime() : null;
		const accept = opportunityAt !== null || chance(h.person, "accept") < 0.2;
		await inTransaction(db, async (trx) => {
			const due = mqlAt + HOUR; // the demo team's SLA, counted plainly
			await sql`update handoffs set assigned_at = ${new Date(mqlAt)}, sla_due_at = ${new Date(due)},
					first_touch_at = ${new Date(touchAt)}, first_touch_kind = 'call',
					breached_at = ${touchAt > due ? new Date(due) : null}
				where id = ${h.id}::uuid`.execute(trx);
			const move = { leadId: h.lead_id, actor: "sales" as const, actorId: "demo", now };
			if (accept) {
				await applyMove(trx, { ...move, from: "mql", to: "sql", at: new Date(decideAt) });
				if (opportunityAt)
					await applyMove(trx, { ...move, from: "sql", to: "opportunity", at: new Date(opportunityAt) });
				if (opportunityAt && won)
					await applyMove(trx, { ...move, from: "opportunity", to: "customer", at: new Date(won) });
			} else {
				const rejection = REASONS[Math.floor(chance(h.person, "reason") * REASONS.length)] ?? "other";
				await applyMove(trx, {
					...move,
					from: "mql",
					to: "recycled",
					rejection,
					cooldownDays: 30,
					at: new Date(decideAt),
				});
			}
			await sql`update handoffs set outcome_at = ${new Date(decideAt)} where id = ${h.id}::uuid`.execute(trx);
		});
		mark(h.user_id, accept ? "sales-ready" : "poor", decideAt);
		if (accept) summary.accepted++;
		else summary.rejected++;
		if (accept && opportunityAt && won) summary.won++;
	}
	summary.salesSourced = await syncDemoCrm(db, now, mark);
	for (let i = 0; i < marks.length; i += 100)
		await ingestBatch(db, marks.slice(i, i + 100), { receivedAt: now, history: true });
	return summary;
}

/**
 * The CRM's side: buyers who never went through the queue still became opportunities and
 * customers there, and a real team imports those outcomes. Without them a backtest would count
 * every buyer the active model missed as a lead that never converted.
 */
async function syncDemoCrm(
	db: Db,
	now: Date,
	mark: (userId: string | null, quality: string, at: number) => void,
): Promise<number> {
	const missed = await sql<{
		id: string;
		user_id: string | null;
		opportunity_at: Date;
		won_at: Date | null;
	}>`select l.id, l.user_id,
			(select min(e.timestamp) from events e where e.lead_id = l.id and e.event = 'Opportunity Created') as opportunity_at,
			(select min(e.timestamp) from events e where e.lead_id = l.id and e.event = 'Deal Won') as won_at
		from leads l
		where l.merged_into is null and l.stage not in ('sql', 'opportunity', 'customer')
			and exists (select 1 from events e where e.lead_id = l.id and e.event = 'Opportunity Created')
			and not exists (select 1 from handoffs h where h.lead_id = l.id and h.status = 'open')
		order by l.id`.execute(db);
	const options = { source: "import" as const, actorId: "demo-crm", now };
	for (const lead of missed.rows) {
		await recordOutcome(
			db,
			lead.id,
			{ outcome: "opportunity", at: new Date(lead.opportunity_at).toISOString() },
			options,
		);
		mark(lead.user_id, "sales-ready", new Date(lead.opportunity_at).getTime());
		if (lead.won_at)
			await recordOutcome(db, lead.id, { outcome: "won", at: new Date(lead.won_at).toISOString() }, options);
	}
	return missed.rows.length;
}
