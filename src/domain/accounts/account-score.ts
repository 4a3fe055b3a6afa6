/**
 * Companies as buying groups: which company a person belongs to, what the company is like, how
 * well it fits, how engaged its people are together (each person's share capped, so that one
 * enthusiast cannot carry a company), who in it decides, and when it qualifies (MQA). Pure:
 * storage and timing are the callers'.
 */
import type { SegmentCondition } from "../../schemas/segments.js";
import { FREE_MAIL_DOMAINS } from "../scoring/free-mail.js";
import { matchesSegment } from "../segments/evaluate-segment.js";
import type { Traits } from "../traits.js";

export interface AccountFitRule {
	label: string;
	/** a condition on the company's traits, in the segment language */
	when: SegmentCondition;
	points: number;
}

export interface AccountModel {
	fitRules: AccountFitRule[];
	/** the most engagement one person adds to the company's */
	personCap: number;
	/** the company qualifies (MQA) when all of these hold */
	mqa: { fit: number; engagement: number; people: number; decisionMaker: boolean };
}

export const DEFAULT_ACCOUNT_MODEL: AccountModel = {
	fitRules: [
		{
			label: "Industry we sell to",
			when: { trait: "industry", op: "in", value: ["Software", "Financial Services", "Healthcare"] },
			points: 30,
		},
		{
			label: "Mid-size or larger",
			when: { trait: "companySize", op: "in", value: ["51-200", "201-1000", "1001-5000", "5000+"] },
			points: 30,
		},
		{
			label: "A country we serve",
			when: {
				trait: "country",
				op: "in",
				value: ["United States", "United Kingdom", "Germany", "France", "Netherlands", "Canada", "US", "GB", "DE"],
			},
			points: 20,
		},
	],
	personCap: 40,
	mqa: { fit: 50, engagement: 60, people: 2, decisionMaker: true },
};

export const BUYING_ROLES = ["decision_maker", "influencer", "user"] as const;
export type BuyingRole = (typeof BUYING_ROLES)[number];

const DECIDES =
	/\b(chief|ceo|cto|cfo|cmo|coo|cro|cio|vp|vice[- ]president|president|founder|co-founder|owner|partner|head of)\b/i;
const INFLUENCES = /\b(director|manager|lead|principal|architect|head)\b/i;
const SENIOR = new Set(["c-level", "vp", "owner", "founder", "partner", "executive"]);
const MIDDLE = new Set(["director", "manager", "lead"]);

/** A person's part in a buying group, from their seniority first, else their title; null when neither is known. */
export function buyingRole(traits: Traits): BuyingRole | null {
	const seniority = typeof traits.seniority === "string" ? traits.seniority.trim().toLowerCase() : "";
	const title = typeof traits.title === "string" ? traits.title : "";
	if (SENIOR.has(seniority)) return "decision_maker";
	if (MIDDLE.has(seniority)) return "influencer";
	if (seniority) return "user";
	if (!title) return null;
	if (DECIDES.test(title)) return "decision_maker";
	if (INFLUENCES.test(title)) return "influencer";
	return "user";
}

/** The company an e-mail address names: its domain, unless it is a free or personal mailbox. */
export function workDomain(email: string | null): string | null {
	const at = email?.lastIndexOf("@") ?? -1;
	if (!email || at < 0) return null;
	const domain = email
		.slice(at + 1)
		.trim()
		.toLowerCase();
	if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) return null;
	return FREE_MAIL_DOMAINS.includes(domain) ? null : domain;
}

/** Member traits that describe the company rather than the person. */
const COMPANY_TRAITS: ReadonlyArray<[string, string]> = [
	["company", "name"],
	["industry", "industry"],
	["companySize", "companySize"],
	["country", "country"],
	["region", "region"],
	["website", "website"],
];

/**
 * The company's traits: for each company trait its members give, the value most of them give
 * (ties to the alphabetically first, so the answer does not depend on order); the group call's
 * own traits win over them.
 */
export function accountTraits(groupTraits: Traits, members: readonly Traits[]): Traits {
	const traits: Traits = {};
	for (const [from, to] of COMPANY_TRAITS) {
		const counts = new Map<string, number>();
		for (const m of members) {
			const v = m[from];
			if (typeof v === "string" && v.trim() !== "") counts.set(v.trim(), (counts.get(v.trim()) ?? 0) + 1);
			else if (typeof v === "number") counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
		}
		const best = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
		if (best) traits[to] = best[0];
	}
	return { ...traits, ...groupTraits };
}

export interface AccountMember {
	id: string;
	traits: Traits;
	/** the person's engagement under the active model (decayed as of their last scoring) */
	engagement: number;
}

export interface AccountScore {
	fit: number;
	fitRules: Array<{ label: string; points: number }>;
	engagement: number;
	contributions: Array<{ leadId: string; engagement: number; counted: number; role: BuyingRole | null }>;
	roles: Record<BuyingRole, number>;
	/** members with any engagement */
	engagedPeople: number;
	qualified: boolean;
	/** why it qualifies, or what it lacks */
	reason: string;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** The company's fit, engagement (each person capped), buying-group coverage and whether it is an MQA. */
export function scoreAccount(model: AccountModel, traits: Traits, members: readonly AccountMember[]): AccountScore {
	const asLead = {
		stage: "",
		consent: "",
		email: null,
		traits,
		fit: null,
		engagement: null,
		grade: null,
		temperature: null,
		predictedChance: null,
		owner: null,
		team: null,
		timezone: null,
		account: null,
		segments: new Set<string>(),
		stageChangedAt: null,
		firstSeenAt: 0,
		lastSeenAt: 0,
	};
	const fitRules = model.fitRules
		.filter((r) => matchesSegment(r.when, asLead, [], 0))
		.map((r) => ({ label: r.label, points: r.points }));
	const fit = round(fitRules.reduce((n, r) => n + r.points, 0));
	const contributions = [...members]
		.sort((a, b) => b.engagement - a.engagement || (a.id < b.id ? -1 : 1))
		.map((m) => ({
			leadId: m.id,
			engagement: round(m.engagement),
			counted: round(Math.max(0, Math.min(model.personCap, m.engagement))),
			role: buyingRole(m.traits),
		}));
	const engagement = round(contributions.reduce((n, c) => n + c.counted, 0));
	const roles: Record<BuyingRole, number> = { decision_maker: 0, influencer: 0, user: 0 };
	for (const c of contributions) if (c.role) roles[c.role]++;
	const engagedPeople = contributions.filter((c) => c.engagement > 0).length;
	const lacks: string[] = [];
	if (fit < model.mqa.fit) lacks.push(`fit ${fit} of ${model.mqa.fit}`);
	if (engagement < model.mqa.engagement) lacks.push(`engagement ${engagement} of ${model.mqa.engagement}`);
	if (engagedPeople < model.mqa.people) lacks.push(`${engagedPeople} engaged people of ${model.mqa.people}`);
	if (model.mqa.decisionMaker && roles.decision_maker === 0) lacks.push("no decision maker");
	const qualified = lacks.length === 0;
	return {
		fit,
		fitRules,
		engagement,
		contributions,
		roles,
		engagedPeople,
		qualified,
		reason: qualified
			? `fit ${fit} ≥ ${model.mqa.fit}, engagement ${engagement} ≥ ${model.mqa.engagement} from ${engagedPeople} people${model.mqa.decisionMaker ? ", a decision maker among them" : ""}`
			: `not yet: ${lacks.join(", ")}`,
	};
}
