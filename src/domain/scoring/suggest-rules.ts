/**
 * Rules suggested by what converted: a trait value or a kind of event that lifted conversion
 * becomes a rule whose points follow the evidence, 10 points for each doubling of the odds (or
 * of the rate), so a person can read "+20" as "about four times as likely". A draft built from
 * them keeps the base model's lists, bands, hand-raisers and disqualifiers, and is meant to be
 * backtested before it is published.
 */
import type { EngagementRule, FitRule, ScoringModelDocument, ScoringModelInput } from "../../schemas/scoring-model.js";

export interface Suggestion {
	kind: "trait" | "event";
	/** `trait=value`, or `track:Event Name` / `page:/path` */
	key: string;
	points: number;
	/** the evidence, in words: it becomes the rule's reason */
	reason: string;
}

/** Points for a ratio of rates or odds: 10 for each doubling, capped at ±40. */
export function pointsForRatio(ratio: number): number {
	if (!(ratio > 0) || !Number.isFinite(ratio)) return 0;
	return Math.max(-40, Math.min(40, Math.round(10 * Math.log2(ratio))));
}

const ruleId = (prefix: string, key: string, taken: Set<string>) => {
	const base = `${prefix}-${key
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, "-")
		.replace(/^-+|-+$/g, "")}`.slice(0, 56);
	let id = base;
	for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
	taken.add(id);
	return id;
};

function fitRuleOf(s: Suggestion, taken: Set<string>): FitRule | null {
	const at = s.key.indexOf("=");
	if (at <= 0) return null;
	return {
		id: ruleId("trait", s.key, taken),
		reason: s.reason,
		if: { field: s.key.slice(0, at), op: "equals", value: s.key.slice(at + 1) },
		points: s.points,
	};
}

function engagementRuleOf(s: Suggestion, taken: Set<string>): EngagementRule | null {
	const at = s.key.indexOf(":");
	const type = s.key.slice(0, at);
	const name = s.key.slice(at + 1);
	if (at <= 0 || !name) return null;
	const when =
		type === "track"
			? { event: name }
			: type === "page"
				? { type: "page" as const, where: { field: "path", op: "equals" as const, value: name } }
				: null;
	if (!when) return null;
	return {
		kind: "event",
		id: ruleId("did", s.key, taken),
		reason: s.reason,
		when,
		points: s.points,
		cap: "day",
		halfLifeDays: null,
		windowDays: null,
	};
}

/**
 * A draft whose fit and engagement rules are the suggestions (the strongest first), on the base
 * model's lists, bands, hand-raisers and disqualifiers; qualified when the fit is no worse than
 * a typical lead's (0) and the engagement reaches `engagementAtLeast`.
 */
export function draftFromSuggestions(
	base: ScoringModelDocument,
	suggestions: readonly Suggestion[],
	options: { name: string; engagementAtLeast: number; description: string },
): ScoringModelInput {
	const taken = new Set<string>();
	const strongest = [...suggestions].filter((s) => s.points !== 0).sort((a, b) => b.points - a.points);
	return {
		name: options.name,
		description: options.description,
		lists: base.lists,
		fit: strongest
			.filter((s) => s.kind === "trait")
			.flatMap((s) => fitRuleOf(s, taken) ?? [])
			.slice(0, 500),
		engagement: strongest
			.filter((s) => s.kind === "event")
			.flatMap((s) => engagementRuleOf(s, taken) ?? [])
			.slice(0, 500),
		bands: base.bands,
		qualification: { fitAtLeast: 0, engagementAtLeast: options.engagementAtLeast },
		handRaisers: base.handRaisers,
		disqualifiers: base.disqualifiers,
	};
}
