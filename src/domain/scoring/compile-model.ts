import type {
	Condition,
	EngagementRule,
	EventMatch,
	FitRule,
	ScoringModelDocument,
} from "../../schemas/scoring-model.js";
import type { FieldProblem } from "../errors.js";
import { type ConditionContext, compileCondition, listsOf, type Predicate } from "./conditions.js";
import {
	EVENT_FIELD_PREFIXES,
	EVENT_FIELDS,
	eventField,
	profileField,
	type ScorableEvent,
	type ScorableProfile,
} from "./scorable.js";
import { addActiveDay, addHit, addSignal, type Cap, type ScoreState } from "./score-state.js";

/** One compiled event test and what a match feeds: a rule's hits or a pattern step's signals. */
interface Matcher {
	target: { kind: "hit"; ruleId: string; cap: Cap } | { kind: "signal"; key: string };
	types: ReadonlySet<string> | null;
	where: Predicate<ScorableEvent> | null;
}

export interface CompiledModel {
	document: ScoringModelDocument;
	fitRules: ReadonlyArray<{ rule: FitRule; test: Predicate<ScorableProfile> }>;
	disqualifiers: ReadonlyArray<{ id: string; reason: string; test: Predicate<ScorableProfile> }>;
	/** engagement rules in model order, with the signal keys of their pattern steps */
	engagement: ReadonlyArray<{ rule: EngagementRule; signalKeys: readonly string[] }>;
	handRaisers: ReadonlyMap<string, string>;
	/** the event fields the model's conditions read, so that storage can read only those */
	eventFields: ReadonlySet<string>;
	/** a rule or the qualification reads the predictive score: a new prediction can change the score */
	readsPrediction: boolean;
	/** adds what one event contributes to a lead's state (in place) */
	applyEvent(state: ScoreState, event: ScorableEvent): void;
}

export type CompileResult = { ok: true; model: CompiledModel } | { ok: false; problems: FieldProblem[] };

const ACTIVITY_TYPES = new Set(["track", "page", "screen"]);
const lower = (values: string | string[] | undefined) =>
	values === undefined ? null : (Array.isArray(values) ? values : [values]).map((v) => v.toLowerCase());

/**
 * Checks a model and turns it into plain synchronous functions. Events are dispatched by
 * name and type through an index, so each event runs only the tests that can match it.
 */
export function compileModel(document: ScoringModelDocument): CompileResult {
	const problems: FieldProblem[] = [];
	const lists = listsOf(document.lists);
	const eventContext: ConditionContext<ScorableEvent> = {
		field: eventField,
		fieldHelp: `events have ${EVENT_FIELDS.join(", ")} and ${EVENT_FIELD_PREFIXES.map((p) => `${p}<key>`).join(", ")}`,
		lists,
		problems,
		shared: new Map(),
		fieldsRead: new Set(),
	};
	const profileContext: ConditionContext<ScorableProfile> = {
		field: profileField,
		fieldHelp: "leads have email, emailDomain, consent, stage, predictedChance (0 to 1) and their traits",
		lists,
		problems,
		shared: new Map(),
		fieldsRead: new Set(),
	};
	const profileTest = (c: Condition, at: string) => compileCondition(c, at, profileContext);

	const seen = new Set<string>();
	const checkId = (id: string, at: string) => {
		if (seen.has(id)) problems.push({ field: `${at}.id`, message: `the id "${id}" is used by another rule` });
		seen.add(id);
	};

	const fitRules = document.fit.map((rule, i) => {
		checkId(rule.id, `fit.${i}`);
		return { rule, test: profileTest(rule.if, `fit.${i}.if`) };
	});
	const disqualifiers = document.disqualifiers.map((d, i) => {
		checkId(d.id, `disqualifiers.${i}`);
		return { id: d.id, reason: d.reason, test: profileTest(d.if, `disqualifiers.${i}.if`) };
	});

	const byName = new Map<string, Matcher[]>();
	const exactNames = new Set<string>();
	const byType = new Map<string, Matcher[]>();
	const always: Matcher[] = [];
	const addMatcher = (match: EventMatch, at: string, target: Matcher["target"]) => {
		const types = lower(match.type);
		const matcher: Matcher = {
			target,
			types: types ? new Set(types) : null,
			where: match.where ? compileCondition(match.where, `${at}.where`, eventContext) : null,
		};
		const names = lower(match.event);
		if (names) for (const name of names) byName.set(name, [...(byName.get(name) ?? []), matcher]);
		if (match.event) for (const name of [match.event].flat()) exactNames.add(name);
		else if (types) for (const type of types) byType.set(type, [...(byType.get(type) ?? []), matcher]);
		else always.push(matcher);
	};

	const engagement: Array<{ rule: EngagementRule; signalKeys: string[] }> = [];
	document.engagement.forEach((rule, i) => {
		const at = `engagement.${i}`;
		checkId(rule.id, at);
		const steps = rule.kind === "count" ? 1 : rule.kind === "sequence" ? rule.steps.length : 0;
		engagement.push({ rule, signalKeys: Array.from({ length: steps }, (_, s) => `${rule.id}#${s}`) });
		if (rule.kind === "event") addMatcher(rule.when, `${at}.when`, { kind: "hit", ruleId: rule.id, cap: rule.cap });
		if (rule.kind === "count") addMatcher(rule.when, `${at}.when`, { kind: "signal", key: `${rule.id}#0` });
		if (rule.kind === "sequence")
			rule.steps.forEach((step, s) => {
				addMatcher(step, `${at}.steps.${s}`, { kind: "signal", key: `${rule.id}#${s}` });
			});
	});
	const handRaisers = new Map<string, string>();
	document.handRaisers.forEach((h, i) => {
		checkId(h.id, `handRaisers.${i}`);
		handRaisers.set(h.id, h.reason);
		addMatcher(h.when, `handRaisers.${i}.when`, { kind: "hit", ruleId: h.id, cap: "ever" });
	});

	const { grade, temperature } = document.bands;
	if (!(grade.A > grade.B && grade.B > grade.C))
		problems.push({ field: "bands.grade", message: "grade bands must fall from A to C (A > B > C)" });
	if (!(temperature.hot > temperature.warm))
		problems.push({ field: "bands.temperature", message: "the hot band must be above the warm band" });

	if (problems.length > 0) return { ok: false, problems };
	// Names as the model spells them, to skip lower-casing the usual event.
	const byExactName = new Map([...exactNames].map((name) => [name, byName.get(name.toLowerCase()) ?? []]));

	const run = (list: readonly Matcher[] | undefined, state: ScoreState, event: ScorableEvent) => {
		if (!list) return;
		for (const m of list) {
			if (m.types && !m.types.has(event.type)) continue;
			if (m.where && !m.where(event)) continue;
			const { target } = m;
			if (target.kind === "hit") addHit(state, target.ruleId, target.cap, event.timestamp, event.messageId);
			else addSignal(state, target.key, event.timestamp, event.messageId);
		}
	};
	const applyEvent = (state: ScoreState, event: ScorableEvent) => {
		if (ACTIVITY_TYPES.has(event.type)) addActiveDay(state, event.timestamp);
		if (event.event) run(byExactName.get(event.event) ?? byName.get(event.event.toLowerCase()), state, event);
		run(byType.get(event.type), state, event);
		run(always, state, event);
	};

	return {
		ok: true,
		model: {
			document,
			fitRules,
			disqualifiers,
			engagement,
			handRaisers,
			eventFields: eventContext.fieldsRead,
			readsPrediction:
				profileContext.fieldsRead.has("predictedChance") || document.qualification.chanceAtLeast !== undefined,
			applyEvent,
		},
	};
}
