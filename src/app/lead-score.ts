import { AppError } from "../domain/errors.js";
import { evaluateScore, type RuleContribution } from "../domain/scoring/evaluate-score.js";
import { stateFits, stateFromEvents } from "../domain/scoring/state-from-events.js";
import type { LeadScore } from "../schemas/scoring-model.js";
import type { Db } from "../storage/database.js";
import { historiesOf, statesOf } from "../storage/score-rows.js";
import { activeModel, modelOfVersion } from "./active-model.js";
import { findLive } from "./find-lead.js";

const SHOWN_EVENTS = 50;

/**
 * A lead's score with every contributing rule, its points then and now, and the events
 * behind it. A lead the model has not scored yet is computed from its history.
 */
export async function explainLeadScore(
	db: Db,
	id: string,
	options: { at: Date; version?: number },
): Promise<LeadScore> {
	const lead = await findLive(db, id);
	const model = options.version ? await modelOfVersion(db, options.version) : await activeModel(db);
	if (!model)
		throw new AppError("not_found", options.version ? `no model version ${options.version}` : "no model is published");
	const { at } = options;
	let state = (await statesOf(db, [lead.id], model.version)).get(lead.id);
	const scoreResetAt = lead.score_reset_at ? new Date(lead.score_reset_at).getTime() : null;
	if (!state || !stateFits(state, { timezone: lead.timezone, scoreResetAt })) {
		const history = (await historiesOf(db, [lead.id], model.model)).get(lead.id) ?? [];
		state = stateFromEvents(model.model, history, lead.timezone, scoreResetAt);
	}
	const profile = {
		email: lead.email,
		timezone: lead.timezone,
		traits: lead.traits,
		consent: lead.consent_status,
		stage: lead.stage,
	};
	const score = evaluateScore(model.model, state, profile, at.getTime());

	const shown = (rule: RuleContribution) => rule.events.slice(-SHOWN_EVENTS);
	const ids = [...new Set(score.engagementRules.flatMap((r) => shown(r).map((e) => e.messageId)))];
	const described = new Map<string, { type: string; label: string | null }>();
	if (ids.length > 0) {
		const rows = await db
			.selectFrom("events")
			.select(["message_id", "type", "event", "page_path", "name"])
			.where("lead_id", "=", lead.id)
			.where("message_id", "in", ids)
			.execute();
		for (const r of rows) described.set(r.message_id, { type: r.type, label: r.event ?? r.page_path ?? r.name });
	}
	const contribution = (rule: RuleContribution) => ({
		id: rule.id,
		kind: rule.kind,
		reason: rule.reason,
		points: rule.points,
		pointsNow: rule.pointsNow,
		eventCount: rule.events.length,
		events: shown(rule)
			.reverse()
			.map((e) => ({
				messageId: e.messageId,
				at: new Date(e.at).toISOString(),
				type: described.get(e.messageId)?.type ?? null,
				event: described.get(e.messageId)?.label ?? null,
				points: e.points,
				pointsNow: e.pointsNow,
			})),
	});
	const q = score.qualification;
	return {
		leadId: lead.id,
		modelId: model.id,
		modelVersion: model.version,
		at: at.toISOString(),
		fit: score.fit,
		engagement: score.engagement,
		grade: score.grade,
		temperature: score.temperature,
		qualification: {
			qualified: q.qualified,
			by: q.by,
			reason: q.reason,
			handRaisedAt: q.handRaisedAt === null ? null : new Date(q.handRaisedAt).toISOString(),
			disqualifiedBy: q.disqualifiedBy,
		},
		fitRules: score.fitRules.map(contribution),
		engagementRules: score.engagementRules.map(contribution),
	};
}
