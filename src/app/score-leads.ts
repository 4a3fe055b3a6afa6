import { sql, type Transaction } from "kysely";
import { becomesMql } from "../domain/lifecycle.js";
import type { NormalizedEvent } from "../domain/normalize-message.js";
import type { IdentityPlan } from "../domain/resolve-identities.js";
import { type Score, scoreOnly } from "../domain/scoring/evaluate-score.js";
import { firstQualifyingEvent } from "../domain/scoring/qualifying-event.js";
import { type ScorableEvent, type ScorableProfile, scorableOfNormalized } from "../domain/scoring/scorable.js";
import { emptyState, type ScoreState } from "../domain/scoring/score-state.js";
import { applyEvents, stateFits } from "../domain/scoring/state-from-events.js";
import { isStage } from "../domain/stages.js";
import { type ProfileRow, profileColumns } from "../storage/lead-profile.js";
import { activeStatesOf, historiesOf, type ScoreRow, writeScores } from "../storage/score-rows.js";
import type { Tables } from "../storage/tables.js";
import { compiledById } from "./active-model.js";
import { applyMove } from "./stage-moves.js";

/** What scoring and the lifecycle read of a lead. */
export interface LeadForScoring extends ScorableProfile {
	/** a recycled lead may not become an MQL again before this (epoch ms) */
	cooldownUntil: number | null;
	/** only events from this time on count (epoch ms) */
	scoreResetAt: number | null;
	/** the lead's last stage change (epoch ms): a new MQL cannot be dated before it */
	stageChangedAt: number | null;
}

export interface TouchedLeads {
	/** the batch's new events, by lead */
	events: ReadonlyMap<string, ScorableEvent[]>;
	/** leads created by this batch: their whole history is the batch */
	created: ReadonlySet<string>;
	profiles: ReadonlyMap<string, LeadForScoring>;
}

/**
 * Brings the scores of the leads a batch touched up to date under the active model, in the
 * batch's transaction. The caller holds the leads' row locks, so no two batches interleave
 * on one lead. A lead without a state for this model (just published, or just merged) gets
 * one built from its whole history; the state is set-like, so the batch's own events, which
 * that history already holds, are not counted twice.
 */
export async function scoreTouchedLeads(
	trx: Transaction<Tables>,
	touched: TouchedLeads,
	now: Date,
	/** imported history: crossings are recorded but nobody is told (see StageMove.history) */
	history = false,
): Promise<void> {
	const leadIds = [...touched.profiles.keys()];
	const { model: active, states: stored, qualified } = await activeStatesOf(trx, leadIds);
	if (!active) return;
	const { version } = active;
	const model = await compiledById(trx, active.id);
	// A state built under another zone than the lead's is rebuilt, as a full rescore would.
	for (const [id, state] of stored) {
		const lead = touched.profiles.get(id);
		if (!lead || !stateFits(state, lead)) stored.delete(id);
	}
	const unscored = leadIds.filter((id) => !stored.has(id) && !touched.created.has(id));
	const histories = await historiesOf(trx, unscored, model);
	const rows: ScoreRow[] = [];
	for (const leadId of leadIds) {
		const profile = touched.profiles.get(leadId);
		if (!profile) continue;
		const state: ScoreState = stored.get(leadId) ?? emptyState(profile.timezone, profile.scoreResetAt);
		applyEvents(model, state, histories.get(leadId) ?? []);
		applyEvents(model, state, touched.events.get(leadId) ?? []);
		rows.push({ leadId, state, score: scoreOnly(model, state, profile, now.getTime()) });
	}
	await writeScores(trx, version, rows);
	const states = new Map(rows.map((r) => [r.leadId, r.state]));
	// Only leads that cross need their moment found; each is read at its own events' times,
	// never before its last stage change or cooldown, so the stage history stays in causal order.
	const causeOf = (leadId: string) => {
		const profile = touched.profiles.get(leadId);
		const state = states.get(leadId);
		const at = now.getTime();
		const notBefore = Math.max(profile?.stageChangedAt ?? 0, profile?.cooldownUntil ?? 0);
		const events = [...(histories.get(leadId) ?? []), ...(touched.events.get(leadId) ?? [])].filter(
			(e) => e.timestamp >= notBefore,
		);
		const first = profile && state ? firstQualifyingEvent(model, state, profile, events, at) : undefined;
		const cause = first ?? latestOf(touched.events.get(leadId) ?? [], at);
		return cause
			? { messageId: cause.messageId, at: new Date(Math.min(Math.max(cause.timestamp, notBefore), at)) }
			: null;
	};
	await promoteCrossings(trx, {
		rows,
		leads: touched.profiles,
		wasQualified: qualified,
		version,
		causeOf,
		now,
		history,
	});
}

/**
 * Makes MQLs of the leads that have just crossed into qualifying (see `becomesMql`), in the
 * caller's transaction: exactly once per crossing, since the stored score it compares with
 * is written in the same transaction under the lead's row lock.
 */
export async function promoteCrossings(
	trx: Transaction<Tables>,
	batch: {
		rows: readonly ScoreRow[];
		leads: ReadonlyMap<string, LeadForScoring>;
		wasQualified: ReadonlySet<string>;
		version: number;
		/** the event at which the lead crossed (null: now) */
		causeOf: (leadId: string) => { messageId: string; at: Date } | null;
		now: Date;
		history?: boolean;
	},
): Promise<number> {
	let promoted = 0;
	for (const { leadId, score } of batch.rows) {
		const lead = batch.leads.get(leadId);
		if (!lead || !isStage(lead.stage)) continue;
		const crossing = {
			stage: lead.stage,
			wasQualified: batch.wasQualified.has(leadId),
			qualified: score.qualification.qualified,
			cooldownUntil: lead.cooldownUntil,
			now: batch.now.getTime(),
		};
		if (!becomesMql(crossing)) continue;
		const cause = batch.causeOf(leadId);
		await applyMove(trx, {
			leadId,
			from: lead.stage,
			to: "mql",
			actor: "automation",
			reason: score.qualification.reason,
			modelVersion: batch.version,
			messageId: cause?.messageId ?? null,
			at: cause?.at ?? batch.now,
			now: batch.now,
			history: batch.history ?? false,
			context: { lead: leadSummary(leadId, lead), score: scoreSummary(score, batch.version) },
		});
		promoted++;
	}
	return promoted;
}

function latestOf(events: readonly ScorableEvent[], now: number): ScorableEvent | undefined {
	return events.reduce<ScorableEvent | undefined>(
		(a, e) => (e.timestamp <= now && (!a || e.timestamp >= a.timestamp) ? e : a),
		undefined,
	);
}

function leadSummary(id: string, lead: ScorableProfile) {
	const t = lead.traits;
	return {
		id,
		email: lead.email,
		firstName: t.firstName ?? null,
		lastName: t.lastName ?? null,
		title: t.title ?? null,
		company: t.company ?? null,
	};
}

function scoreSummary(score: Score, version: number) {
	return {
		modelVersion: version,
		fit: score.fit,
		engagement: score.engagement,
		grade: score.grade,
		temperature: score.temperature,
		qualifiedBy: score.qualification.by,
	};
}

export function leadForScoring(
	r: Omit<ProfileRow, "id" | "stage_changed_at" | "predicted_chance"> & {
		stage_changed_at?: Date | null;
		predicted_chance?: number | null;
	},
): LeadForScoring {
	return {
		email: r.email,
		timezone: r.timezone,
		traits: r.traits,
		consent: r.consent_status,
		stage: r.stage,
		cooldownUntil: r.mql_cooldown_until ? new Date(r.mql_cooldown_until).getTime() : null,
		scoreResetAt: r.score_reset_at ? new Date(r.score_reset_at).getTime() : null,
		stageChangedAt: r.stage_changed_at ? new Date(r.stage_changed_at).getTime() : null,
		predictedChance: r.predicted_chance ?? null,
	};
}

export function profilesOf(rows: readonly ProfileRow[]): Map<string, LeadForScoring> {
	return new Map(rows.map((r) => [r.id, leadForScoring(r)]));
}

/** What scoring needs of the batch: events by lead, which leads are new, and their profiles after merges. */
export async function touchedLeads(
	trx: Transaction<Tables>,
	events: readonly NormalizedEvent[],
	plan: IdentityPlan,
	profiles: Map<string, LeadForScoring>,
): Promise<TouchedLeads> {
	const byLead = new Map<string, ScorableEvent[]>();
	events.forEach((event, index) => {
		const leadId = plan.eventLeads[index];
		if (!leadId) return;
		const list = byLead.get(leadId) ?? [];
		list.push(scorableOfNormalized(event));
		byLead.set(leadId, list);
	});
	const merged = new Set(plan.merges.flatMap((m) => [m.survivorId, m.mergedId]));
	for (const id of merged) profiles.delete(id);
	const survivors = plan.merges.map((m) => m.survivorId).filter((id) => !plan.merges.some((m) => m.mergedId === id));
	if (survivors.length > 0) {
		const rows =
			await sql<ProfileRow>`select ${profileColumns()} from leads where id = any(${survivors}::uuid[])`.execute(trx);
		for (const [id, profile] of profilesOf(rows.rows)) profiles.set(id, profile);
	}
	const created = new Set([...plan.newLeads.keys()].filter((id) => !merged.has(id)));
	return { events: byLead, created, profiles };
}

export type { ProfileRow };
