// The rule builder's view of a model document: its rule lists, each rule's title (counted from 1,
// as people count), new rules that are valid from the start, and problems placed on their rule.
import type { ScoringModelInput } from "../../../src/schemas/scoring-model";

export type Document = ScoringModelInput;
export type RuleList = "fit" | "engagement" | "handRaisers" | "disqualifiers";

export const RULE_LISTS: Array<[RuleList, string, string]> = [
	["fit", "Fit rule", "Fit: who the lead is"],
	["engagement", "Engagement rule", "Engagement: what the lead does"],
	["handRaisers", "Hand-raiser", "Hand-raisers: qualify at once"],
	["disqualifiers", "Disqualifier", "Disqualifiers: never an MQL"],
];

/** The section the server's sentences use for each list. */
export const SENTENCE_SECTION: Record<RuleList, string> = {
	fit: "fit",
	engagement: "engagement",
	handRaisers: "hand-raiser",
	disqualifiers: "disqualifier",
};

/** New rules, each valid as it is, with an id no other rule of the list has. */
export function newRule(list: RuleList, taken: ReadonlySet<string>): Record<string, unknown> {
	let n = 1;
	while (
		taken.has(`new-${list === "handRaisers" ? "hand-raiser" : list === "disqualifiers" ? "disqualifier" : list}-${n}`)
	)
		n++;
	const id = `new-${list === "handRaisers" ? "hand-raiser" : list === "disqualifiers" ? "disqualifier" : list}-${n}`;
	switch (list) {
		case "fit":
			return { id, reason: "why this matters", if: { field: "industry", op: "equals", value: "Software" }, points: 5 };
		case "engagement":
			return {
				kind: "event",
				id,
				reason: "why this matters",
				when: { event: "Webinar Attended" },
				points: 10,
				cap: "ever",
			};
		case "handRaisers":
			return { id, reason: "why this matters", when: { event: "Contact Sales" } };
		case "disqualifiers":
			return { id, reason: "why this matters", if: { field: "email", op: "isFreeMail" } };
	}
}

export const rulesOf = (document: Document, list: RuleList): Array<Record<string, unknown>> =>
	((document[list] as unknown[] | undefined) ?? []) as Array<Record<string, unknown>>;

export interface Problem {
	field: string;
	message: string;
}

/** The problems of one rule (`fit.10.if.value` belongs to fit rule 11), with the rest of the path. */
export function problemsOfRule(problems: Problem[], list: RuleList, index: number): Problem[] {
	const prefix = `${list}.${index}`;
	return problems
		.filter((p) => p.field === prefix || p.field.startsWith(`${prefix}.`))
		.map((p) => ({ ...p, field: p.field.slice(prefix.length + 1) }));
}

/** A problem's place in words: `fit.10.if.value` is "Fit rule 11 › if.value". */
export function placeOf(field: string): string {
	const match = /^(fit|engagement|handRaisers|disqualifiers)\.(\d+)(?:\.(.*))?$/.exec(field);
	if (!match) return field;
	const title = RULE_LISTS.find(([list]) => list === match[1])?.[1] ?? match[1];
	return `${title} ${Number(match[2]) + 1}${match[3] ? ` › ${match[3]}` : ""}`;
}

/** Fields a fit rule or disqualifier reads (the lead), and an engagement condition reads (the event). */
export const LEAD_FIELDS = [
	"email",
	"emailDomain",
	"consent",
	"stage",
	"title",
	"seniority",
	"industry",
	"companySize",
	"country",
	"region",
	"city",
	"company",
];
export const EVENT_FIELDS = [
	"event",
	"type",
	"name",
	"path",
	"url",
	"referrer",
	"device",
	"localHour",
	"weekday",
	"properties.",
	"campaign.source",
	"campaign.medium",
];
