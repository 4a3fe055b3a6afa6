import type {
	Cap,
	Condition,
	EngagementRule,
	EventMatch,
	FieldCondition,
	ScoringModelDocument,
} from "../../schemas/scoring-model.js";

export interface Sentence {
	section: "fit" | "engagement" | "bands" | "qualification" | "hand-raiser" | "disqualifier";
	id: string;
	text: string;
}

const FIELD_NAMES: Record<string, string> = {
	emailDomain: "e-mail domain",
	predictedChance: "predicted chance of reaching SQL",
	companySize: "company size",
	localHour: "local hour",
	device: "device",
	path: "path",
};

const fieldName = (field: string) => FIELD_NAMES[field] ?? field.replace(/^properties\./, "property ");
const quoted = (v: unknown) => (typeof v === "string" ? `"${v}"` : String(v));
const list = (v: unknown) => (Array.isArray(v) ? v.map(quoted).join(", ") : quoted(v));

function describeField(c: FieldCondition): string {
	const f = fieldName(c.field);
	switch (c.op) {
		case "equals":
			return `${f} is ${quoted(c.value)}`;
		case "notEquals":
			return `${f} is not ${quoted(c.value)}`;
		case "in":
			return `${f} is one of ${list(c.value)}`;
		case "notIn":
			return `${f} is none of ${list(c.value)}`;
		case "contains":
			return `${f} contains ${quoted(c.value)}`;
		case "startsWith":
			return `${f} starts with ${quoted(c.value)}`;
		case "endsWith":
			return `${f} ends with ${quoted(c.value)}`;
		case "matches":
			return `${f} matches /${String(c.value)}/`;
		case "gt":
			return `${f} is over ${c.value}`;
		case "gte":
			return `${f} is at least ${c.value}`;
		case "lt":
			return `${f} is under ${c.value}`;
		case "lte":
			return `${f} is at most ${c.value}`;
		case "between":
			return Array.isArray(c.value) ? `${f} is between ${c.value[0]} and ${c.value[1]}` : `${f} is in a range`;
		case "exists":
			return `${f} is known`;
		case "missing":
			return `${f} is unknown`;
		case "isFreeMail":
			return `${f} is a personal mailbox (free-mail)`;
		case "inList":
			return `${f} is on the list ${quoted(c.value)}`;
	}
}

/** A condition in words: "seniority is one of "VP", "C-level" and industry is "Software"". */
export function describeCondition(c: Condition): string {
	if ("all" in c) return c.all.map(describeNested).join(" and ");
	if ("any" in c) return c.any.map(describeNested).join(" or ");
	if ("not" in c) return `not (${describeCondition(c.not)})`;
	return describeField(c);
}

const describeNested = (c: Condition) =>
	"all" in c || "any" in c ? `(${describeCondition(c)})` : describeCondition(c);

const TYPE_NAMES: Record<string, string> = {
	page: "a page visit",
	screen: "a screen view",
	identify: "an identify",
	track: "an event",
};

/** Which events a match takes, in words: "Demo Requested or Contact Sales Requested", "a page visit with path …". */
export function describeMatch(m: EventMatch): string {
	const names = m.event === undefined ? null : [m.event].flat().join(" or ");
	const types =
		m.type === undefined
			? null
			: [m.type]
					.flat()
					.map((t) => TYPE_NAMES[t] ?? t)
					.join(" or ");
	const what = names ?? types ?? "any event";
	return m.where ? `${what} where ${describeCondition(m.where)}` : what;
}

const CAPS: Record<Cap, string | null> = {
	none: null,
	ever: "once ever",
	day: "at most once a day",
	week: "at most once a week",
};
const signed = (n: number) => (n >= 0 ? `+${n}` : `−${Math.abs(n)}`);

function counting(rule: Exclude<EngagementRule, { kind: "inactivity" }>): string {
	const parts = [
		CAPS[rule.cap],
		rule.halfLifeDays === null ? null : `halving every ${rule.halfLifeDays} days`,
		rule.windowDays === null ? null : `counting the last ${rule.windowDays} days`,
	].filter(Boolean);
	return parts.length > 0 ? `, ${parts.join(", ")}` : "";
}

function describeEngagement(rule: EngagementRule): string {
	switch (rule.kind) {
		case "event":
			return `${signed(rule.points)} for ${describeMatch(rule.when)}${counting(rule)}`;
		case "count":
			return `${signed(rule.points)} when ${rule.atLeast} or more of ${describeMatch(rule.when)} happen within ${rule.withinDays} days${counting(rule)}`;
		case "sequence":
			return `${signed(rule.points)} when ${rule.steps.map(describeMatch).join(", then ")} happen in that order within ${rule.withinDays} days${counting(rule)}`;
		case "inactivity":
			return `${signed(rule.points)} after ${rule.days} days without activity`;
	}
}

/** The whole model as sentences a marketer can read and check, each rule's reason after it. */
export function describeModel(model: ScoringModelDocument): Sentence[] {
	const { grade, temperature } = model.bands;
	const q = model.qualification;
	const chance =
		q.chanceAtLeast === undefined
			? ""
			: `, and its predicted chance of reaching SQL is at least ${Math.round(q.chanceAtLeast * 1000) / 10}% (leads not yet predicted are judged by the rest alone)`;
	const qualification =
		"matrix" in q
			? `A lead qualifies when ${(["A", "B", "C", "D"] as const)
					.map((g) => (q.matrix[g] === null ? `grade ${g} never` : `grade ${g} is at least ${q.matrix[g]}`))
					.join("; ")}${chance}.`
			: `A lead qualifies when fit is at least ${q.fitAtLeast} and engagement at least ${q.engagementAtLeast}${chance}.`;
	return [
		...model.fit.map((r) => ({
			section: "fit" as const,
			id: r.id,
			text: `${signed(r.points)} when ${describeCondition(r.if)} — ${r.reason}.`,
		})),
		...model.engagement.map((r) => ({
			section: "engagement" as const,
			id: r.id,
			text: `${describeEngagement(r)} — ${r.reason}.`,
		})),
		{
			section: "bands",
			id: "bands",
			text: `Grade A from ${grade.A} fit points, B from ${grade.B}, C from ${grade.C}, otherwise D; hot from ${temperature.hot} engagement points, warm from ${temperature.warm}, otherwise cold.`,
		},
		{ section: "qualification", id: "qualification", text: qualification },
		...model.handRaisers.map((h) => ({
			section: "hand-raiser" as const,
			id: h.id,
			text: `Qualifies at once on ${describeMatch(h.when)} — ${h.reason}.`,
		})),
		...model.disqualifiers.map((d) => ({
			section: "disqualifier" as const,
			id: d.id,
			text: `Never qualifies when ${describeCondition(d.if)} — ${d.reason}.`,
		})),
	];
}
