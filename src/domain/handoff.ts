import type { Condition } from "../schemas/scoring-model.js";
import type { FieldProblem } from "./errors.js";
import { offsetMs, zonedTime } from "./local-time.js";
import { compileCondition, listsOf, type Predicate } from "./scoring/conditions.js";
import { profileField, type ScorableProfile } from "./scoring/scorable.js";

export interface BusinessHours {
	/** ISO weekdays, 1 = Monday … 7 = Sunday */
	days: readonly number[];
	/** "09:00" */
	start: string;
	end: string;
	timezone: string;
}

const minutesOf = (time: string) => {
	const [h = "0", m = "0"] = time.split(":");
	return { hour: Number(h), minute: Number(m) };
};

/**
 * When a first touch is due: `minutes` of business time after `start`, counted only inside
 * the team's hours in its own zone (an MQL at 16:45 with one business hour is due at 09:45
 * the next working day; on Friday evening, on Monday).
 */
export function slaDueAt(start: number, minutes: number, hours: BusinessHours): number {
	let remaining = minutes * 60_000;
	let cursor = start;
	const open = minutesOf(hours.start);
	const close = minutesOf(hours.end);
	for (let day = 0; day < 400 && hours.days.length > 0; day++) {
		const local = new Date(cursor + offsetMs(new Date(cursor), hours.timezone));
		const [y, m, d] = [local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()];
		const weekday = ((local.getUTCDay() + 6) % 7) + 1;
		const opens = zonedTime(y, m, d, open.hour, open.minute, hours.timezone).getTime();
		const closes = zonedTime(y, m, d, close.hour, close.minute, hours.timezone).getTime();
		if (hours.days.includes(weekday) && cursor < closes) {
			const from = Math.max(cursor, opens);
			if (closes - from >= remaining) return from + remaining;
			remaining -= closes - from;
		}
		cursor = zonedTime(y, m, d + 1, 0, 0, hours.timezone).getTime();
	}
	return start + minutes * 60_000; // no business days at all: plain minutes
}

export interface OwnerLoad {
	id: string;
	active: boolean;
	away: boolean;
	open: number;
	maxOpen: number;
	lastAssignedAt: number | null;
}

/** Round-robin inside a team: the available owner (active, not away, under their cap) who waited longest. */
export function pickOwner(owners: readonly OwnerLoad[]): OwnerLoad | null {
	let best: OwnerLoad | null = null;
	for (const o of owners) {
		if (!o.active || o.away || o.open >= o.maxOpen) continue;
		const waited = o.lastAssignedAt ?? Number.NEGATIVE_INFINITY;
		const bestWaited = best ? (best.lastAssignedAt ?? Number.NEGATIVE_INFINITY) : Number.POSITIVE_INFINITY;
		if (!best || waited < bestWaited || (waited === bestWaited && o.id < best.id)) best = o;
	}
	return best;
}

export interface RoutingRule {
	id: string;
	name: string;
	condition: Condition;
	teamId: string;
	ownerId: string | null;
}

export type Router = (lead: ScorableProfile) => RoutingRule | null;

/** Ordered routing rules as one function: the first rule whose condition the lead meets. */
export function compileRouting(rules: readonly RoutingRule[]): { router: Router; problems: FieldProblem[] } {
	const problems: FieldProblem[] = [];
	const context = {
		field: profileField,
		fieldHelp: "leads have email, emailDomain, consent, stage and their traits",
		lists: listsOf({}),
		problems,
		shared: new Map<string, Predicate<ScorableProfile>>(),
		fieldsRead: new Set<string>(),
	};
	const compiled = rules.map((rule, i) => ({
		rule,
		test: compileCondition(rule.condition, `rules.${i}.condition`, context),
	}));
	return { router: (lead) => compiled.find((r) => r.test(lead))?.rule ?? null, problems };
}
