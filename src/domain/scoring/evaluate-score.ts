import type { EngagementRule, Grade, Temperature } from "../../schemas/scoring-model.js";
import type { CompiledModel } from "./compile-model.js";
import { countFirings, sequenceFirings, upTo } from "./pattern-firings.js";
import type { ScorableProfile } from "./scorable.js";
import { bucketOf, DAY_MS, earlier, type ScoreState, type Sighting } from "./score-state.js";

export interface CountedEvent {
	messageId: string;
	at: number;
	/** the rule's points when the event happened */
	points: number;
	/** after decay, at the moment of evaluation */
	pointsNow: number;
}

export interface RuleContribution {
	id: string;
	kind: "fit" | EngagementRule["kind"];
	reason: string;
	points: number;
	/** the rule's share of the score at the moment of evaluation */
	pointsNow: number;
	events: CountedEvent[];
}

export interface Qualification {
	qualified: boolean;
	by: "hand-raiser" | "threshold" | "matrix" | null;
	reason: string;
	handRaisedAt: number | null;
	disqualifiedBy: Array<{ id: string; reason: string }>;
}

export interface Score {
	at: number;
	fit: number;
	engagement: number;
	grade: Grade;
	temperature: Temperature;
	qualification: Qualification;
	fitRules: RuleContribution[];
	engagementRules: RuleContribution[];
}

const TEMPERATURE_RANK: Record<Temperature, number> = { cold: 0, warm: 1, hot: 2 };

/**
 * A rule's counted moments in time order (the caller stops at `at`): the earliest per cap
 * bucket; patterns derive theirs from their steps' signals up to `at`. The order is fixed by
 * time, so the floating-point sum is the same however the state was built.
 */
const NONE: readonly Sighting[] = [];

function countedMoments(
	rule: EngagementRule,
	keys: readonly string[],
	state: ScoreState,
	at: number,
): readonly Sighting[] {
	if (rule.kind === "inactivity") return NONE;
	if (rule.kind === "event") return state.hits[rule.id] ?? NONE;
	const steps = keys.map((key) => upTo(state.signals[key] ?? NONE, at));
	const firings =
		rule.kind === "count"
			? countFirings(steps[0] ?? NONE, rule.atLeast, rule.withinDays)
			: sequenceFirings(steps, rule.withinDays);
	const cap = rule.cap;
	if (cap === "none" || firings.length < 2) return firings;
	// firings come in time order, so the first of each bucket is its earliest
	let lastBucket = -1;
	return firings.filter(([time]) => {
		const bucket = bucketOf(cap, time);
		if (bucket === lastBucket) return false;
		lastBucket = bucket;
		return true;
	});
}

function lastActiveDay(state: ScoreState, today: number): number | undefined {
	for (let i = state.days.length - 1; i >= 0; i--) if ((state.days[i] as number) <= today) return state.days[i];
	return undefined;
}

/**
 * A rule's share of the engagement score at `at` (null when it contributes nothing), each
 * counted event reported to `onEvent` when an explanation is wanted.
 */
function ruleTotal(
	rule: EngagementRule,
	keys: readonly string[],
	state: ScoreState,
	at: number,
	onEvent?: (event: CountedEvent) => void,
	/** the rule's counted moments, when the caller has them (they are the same for any later `at`, cut at `at`) */
	known?: readonly Sighting[],
): number | null {
	if (rule.kind === "inactivity") {
		const today = Math.floor(at / DAY_MS);
		const lastDay = lastActiveDay(state, today);
		return lastDay === undefined || today - lastDay < rule.days ? null : rule.points;
	}
	const window = rule.windowDays === null ? Number.POSITIVE_INFINITY : rule.windowDays * DAY_MS;
	const halfLife = rule.halfLifeDays === null ? 0 : rule.halfLifeDays * DAY_MS;
	const moments = known ?? countedMoments(rule, keys, state, at);
	let total = 0;
	let counted = false;
	for (let i = 0; i < moments.length; i++) {
		const moment = moments[i] as Sighting;
		const age = at - moment[0];
		if (age < 0) break;
		if (age >= window) continue;
		const pointsNow = halfLife === 0 ? rule.points : rule.points * 2 ** (-age / halfLife);
		total += pointsNow;
		counted = true;
		onEvent?.({ messageId: moment[1], at: moment[0], points: rule.points, pointsNow });
	}
	return counted ? total : null;
}

/** The score of a lead at a moment: only what happened up to then counts, decayed to then. */
export function evaluateScore(model: CompiledModel, state: ScoreState, profile: ScorableProfile, at: number): Score {
	return score(model, state, profile, at, true);
}

/** The same score without the rule-by-rule explanation: what ingest and rescoring store. */
export function scoreOnly(model: CompiledModel, state: ScoreState, profile: ScorableProfile, at: number): Score {
	return score(model, state, profile, at, false);
}

function score(model: CompiledModel, state: ScoreState, profile: ScorableProfile, at: number, explain: boolean): Score {
	const doc = model.document;
	const fitRules: RuleContribution[] = [];
	let fit = 0;
	for (const { rule, test } of model.fitRules) {
		if (!test(profile)) continue;
		fit += rule.points;
		if (explain)
			fitRules.push({
				id: rule.id,
				kind: "fit",
				reason: rule.reason,
				points: rule.points,
				pointsNow: rule.points,
				events: [],
			});
	}
	const engagementRules: RuleContribution[] = [];
	let engagement = 0;
	for (const { rule, signalKeys } of model.engagement) {
		if (!explain) {
			engagement += ruleTotal(rule, signalKeys, state, at) ?? 0;
			continue;
		}
		const events: CountedEvent[] = [];
		const total = ruleTotal(rule, signalKeys, state, at, (e) => events.push(e));
		if (total === null) continue;
		engagement += total;
		engagementRules.push({
			id: rule.id,
			kind: rule.kind,
			reason: rule.reason,
			points: rule.points,
			pointsNow: total,
			events,
		});
	}
	const { grade, temperature } = bandsOf(doc, fit, engagement);
	const qualification = qualify(model, state, profile, { fit, engagement, grade, temperature }, at);
	return { at, fit, engagement, grade, temperature, qualification, fitRules, engagementRules };
}

/** The grade and temperature bands a fit and an engagement fall in (plain comparisons: this runs per moment in a backtest). */
function bandsOf(doc: CompiledModel["document"], fit: number, engagement: number) {
	const { grade: g, temperature: t } = doc.bands;
	const grade: Grade = fit >= g.A ? "A" : fit >= g.B ? "B" : fit >= g.C ? "C" : "D";
	const temperature: Temperature = engagement >= t.hot ? "hot" : engagement >= t.warm ? "warm" : "cold";
	return { grade, temperature };
}

export interface ScoreMoment {
	at: number;
	fit: number;
	engagement: number;
	qualified: boolean;
	handRaised: boolean;
}

/**
 * A lead's score at several moments (oldest first), as `scoreOnly` gives each, for a backtest:
 * what reads only the profile (fit, the disqualifiers) is read once, the engagement and the
 * qualification at each moment. With `untilQualified`, it stops at the first that qualifies.
 */
export function scoreMoments(
	model: CompiledModel,
	state: ScoreState,
	profile: ScorableProfile,
	times: readonly number[],
	untilQualified = false,
): ScoreMoment[] {
	let fit = 0;
	for (const { rule, test } of model.fitRules) if (test(profile)) fit += rule.points;
	const disqualifiedBy = model.disqualifiers.filter((d) => d.test(profile)).map(({ id, reason }) => ({ id, reason }));
	// a rule's moments up to a time are the first of its moments up to the last time: each is
	// fixed by what happened before it (a count or a sequence fires when its last step happens)
	const last = times[times.length - 1] ?? 0;
	const counted = model.engagement.map(({ rule, signalKeys }) => countedMoments(rule, signalKeys, state, last));
	const moments: ScoreMoment[] = [];
	for (const at of times) {
		let engagement = 0;
		model.engagement.forEach(({ rule, signalKeys }, i) => {
			engagement += ruleTotal(rule, signalKeys, state, at, undefined, counted[i]) ?? 0;
		});
		const { grade, temperature } = bandsOf(model.document, fit, engagement);
		const q = qualify(model, state, profile, { fit, engagement, grade, temperature }, at, disqualifiedBy, false);
		moments.push({ at, fit, engagement, qualified: q.qualified, handRaised: q.by === "hand-raiser" });
		if (q.qualified && untilQualified) break;
	}
	return moments;
}

/** Whether the lead qualifies at `at`, and why; `withReason: false` skips the words (a backtest reads only the verdict). */
function qualify(
	model: CompiledModel,
	state: ScoreState,
	profile: ScorableProfile,
	score: { fit: number; engagement: number; grade: Grade; temperature: Temperature },
	at: number,
	disqualifiedBy = model.disqualifiers.filter((d) => d.test(profile)).map(({ id, reason }) => ({ id, reason })),
	withReason = true,
): Qualification {
	let raised: { id: string; sighting: Sighting } | null = null;
	for (const id of model.handRaisers.keys()) {
		const sighting = state.hits[id]?.[0];
		if (sighting && sighting[0] <= at && (!raised || earlier(sighting, raised.sighting))) raised = { id, sighting };
	}
	const handRaisedAt = raised?.sighting[0] ?? null;
	if (disqualifiedBy.length > 0)
		return {
			qualified: false,
			by: null,
			reason: withReason ? `blocked: ${disqualifiedBy.map((d) => d.reason).join("; ")}` : "",
			handRaisedAt,
			disqualifiedBy,
		};
	if (raised)
		return {
			qualified: true,
			by: "hand-raiser",
			reason: withReason ? `hand-raiser "${raised.id}": ${model.handRaisers.get(raised.id)}` : "",
			handRaisedAt,
			disqualifiedBy,
		};
	const rule = model.document.qualification;
	const round = (n: number) => Math.round(n * 100) / 100;
	let qualified: boolean;
	let reason = "";
	let by: Qualification["by"];
	if ("matrix" in rule) {
		const needed = rule.matrix[score.grade];
		qualified = needed !== null && TEMPERATURE_RANK[score.temperature] >= TEMPERATURE_RANK[needed];
		if (withReason)
			reason =
				needed === null
					? `grade ${score.grade} never qualifies`
					: `grade ${score.grade} needs ${needed} or hotter; the lead is ${score.temperature}`;
		by = "matrix";
	} else {
		const fitOk = score.fit >= rule.fitAtLeast;
		const engagementOk = score.engagement >= rule.engagementAtLeast;
		if (withReason)
			reason = `fit ${round(score.fit)} ${fitOk ? "≥" : "<"} ${rule.fitAtLeast} and engagement ${round(score.engagement)} ${engagementOk ? "≥" : "<"} ${rule.engagementAtLeast}`;
		qualified = fitOk && engagementOk;
		by = "threshold";
	}
	const chance = profile.predictedChance ?? null;
	if (rule.chanceAtLeast !== undefined && chance !== null) {
		const chanceOk = chance >= rule.chanceAtLeast;
		if (withReason)
			reason += `; predicted chance ${Math.round(chance * 1000) / 10}% ${chanceOk ? "≥" : "<"} ${Math.round(rule.chanceAtLeast * 1000) / 10}%`;
		qualified &&= chanceOk;
	}
	return { qualified, by: qualified ? by : null, reason, handRaisedAt, disqualifiedBy };
}
