import { Engine, type NestedCondition, type TopLevelCondition } from "json-rules-engine";
import type { Condition, EventMatch, ScoringModelDocument } from "../src/schemas/scoring-model.js";

const OPERATORS: Record<string, string> = {
	equals: "equal",
	notEquals: "notEqual",
	in: "in",
	notIn: "notIn",
	gt: "greaterThan",
	gte: "greaterThanInclusive",
	lt: "lessThan",
	lte: "lessThanInclusive",
	startsWith: "startsWith",
	matches: "matches",
};

const fold = (v: unknown): unknown => (typeof v === "string" ? v.toLowerCase() : Array.isArray(v) ? v.map(fold) : v);

function condition(c: Condition): NestedCondition {
	if ("all" in c) return { all: c.all.map(condition) };
	if ("any" in c) return { any: c.any.map(condition) };
	if ("not" in c) return { not: condition(c.not) };
	const operator = OPERATORS[c.op];
	if (!operator) throw new Error(`the bench does not translate ${c.op}`);
	return { fact: c.field, operator, value: c.op === "matches" ? c.value : fold(c.value) } as NestedCondition;
}

function matchCondition(match: EventMatch): TopLevelCondition {
	const all: NestedCondition[] = [];
	const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]).map((s) => s.toLowerCase());
	if (match.event) all.push({ fact: "event", operator: "in", value: list(match.event) });
	if (match.type) all.push({ fact: "type", operator: "in", value: list(match.type) });
	if (match.where) all.push(condition(match.where));
	return { all };
}

/**
 * The same event tests as a compiled Qualify model, as json-rules-engine rules: one rule per
 * event rule, pattern step and hand-raiser, firing an event named like Qualify's target.
 */
export function jsonRulesEngineOf(document: ScoringModelDocument): Engine {
	const engine = new Engine([], { allowUndefinedFacts: true });
	engine.addOperator(
		"startsWith",
		(fact: unknown, value: string) => typeof fact === "string" && fact.startsWith(value),
	);
	engine.addOperator(
		"matches",
		(fact: unknown, value: string) => typeof fact === "string" && new RegExp(value, "i").test(fact),
	);
	const add = (name: string, match: EventMatch) =>
		engine.addRule({ name, conditions: matchCondition(match), event: { type: name } });
	for (const rule of document.engagement) {
		if (rule.kind === "event") add(rule.id, rule.when);
		if (rule.kind === "count") add(`${rule.id}#0`, rule.when);
		if (rule.kind === "sequence")
			rule.steps.forEach((step, s) => {
				add(`${rule.id}#${s}`, step);
			});
	}
	for (const h of document.handRaisers) add(h.id, h.when);
	return engine;
}
