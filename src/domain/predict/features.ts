/**
 * A lead as a row of numbers for the predictive score, as of a cut-off: its traits (numbers as
 * they are, categories one-hot for their commonest values) and what it did before the cut-off
 * (events by kind, active days, days since first seen). The columns are chosen from the
 * training leads and then fixed, so a lead scored later gets the same columns.
 */
import type { ScorableEvent } from "../scoring/scorable.js";

export interface LeadFacts {
	traits: Record<string, unknown>;
	/** events up to the cut-off, oldest first */
	history: readonly ScorableEvent[];
	firstSeenAt: number;
}

export type Column =
	| { kind: "number"; trait: string; name: string }
	| { kind: "category"; trait: string; value: string; name: string }
	| { kind: "event"; key: string; name: string }
	| { kind: "activity"; measure: "events" | "activeDays" | "daysKnown"; name: string };

const IDENTIFYING = /^(email|firstName|lastName|name|phone|userId|id|emailAsGiven|avatar|address|landingPage)$/i;
const DAY = 86_400_000;

export const eventKey = (e: ScorableEvent) =>
	e.type === "track" ? `track:${e.event}` : e.type === "page" ? `page:${e.pagePath ?? e.name ?? ""}` : null;

/**
 * The columns for a set of training leads: numeric traits, the ten commonest values of each
 * trait with at most forty, the thirty commonest kinds of event, and three activity measures.
 * `exclude` names traits set after the outcome (a sales tag, a lead quality), kept out.
 */
export function columnsFor(leads: readonly LeadFacts[], exclude: ReadonlySet<string> = new Set()): Column[] {
	const numbers = new Map<string, number>();
	const values = new Map<string, Map<string, number>>();
	const kinds = new Map<string, number>();
	for (const lead of leads) {
		for (const [trait, value] of Object.entries(lead.traits)) {
			if (IDENTIFYING.test(trait) || exclude.has(trait) || value === null || value === undefined) continue;
			if (typeof value === "number" && Number.isFinite(value)) numbers.set(trait, (numbers.get(trait) ?? 0) + 1);
			else if (typeof value === "string" || typeof value === "boolean") {
				const counts = values.get(trait) ?? new Map<string, number>();
				counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
				values.set(trait, counts);
			}
		}
		for (const key of new Set(lead.history.map(eventKey))) if (key) kinds.set(key, (kinds.get(key) ?? 0) + 1);
	}
	const enough = Math.max(5, leads.length * 0.01);
	const columns: Column[] = [];
	for (const [trait, n] of numbers) if (n >= enough) columns.push({ kind: "number", trait, name: trait });
	for (const [trait, counts] of values) {
		if (counts.size > 40) continue; // an identifier or free text
		for (const [value, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 10))
			if (n >= enough) columns.push({ kind: "category", trait, value, name: `${trait}=${value}` });
	}
	for (const [key, n] of [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 30))
		if (n >= enough) columns.push({ kind: "event", key, name: key });
	columns.push(
		{ kind: "activity", measure: "events", name: "events" },
		{ kind: "activity", measure: "activeDays", name: "active days" },
		{ kind: "activity", measure: "daysKnown", name: "days known" },
	);
	return columns;
}

/** One lead's row for the columns, as of `cutoff`. */
export function rowOf(lead: LeadFacts, columns: readonly Column[], cutoff: number): number[] {
	const counts = new Map<string, number>();
	const days = new Set<number>();
	for (const e of lead.history) {
		if (e.timestamp > cutoff) break;
		const key = eventKey(e);
		if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
		days.add(Math.floor(e.timestamp / DAY));
	}
	const cell = (c: Column): number => {
		switch (c.kind) {
			case "number": {
				const v = lead.traits[c.trait];
				return typeof v === "number" && Number.isFinite(v) ? v : 0;
			}
			case "category":
				return String(lead.traits[c.trait] ?? "") === c.value ? 1 : 0;
			case "event":
				return counts.get(c.key) ?? 0;
			case "activity":
				return c.measure === "events"
					? [...counts.values()].reduce((a, b) => a + b, 0)
					: c.measure === "activeDays"
						? days.size
						: Math.max(0, (cutoff - lead.firstSeenAt) / DAY);
		}
	};
	return columns.map(cell);
}
