/** A moment a rule counted or a pattern step was seen: epoch ms and the message behind it. */
export type Sighting = [time: number, messageId: string];

/**
 * Everything the engine keeps about one lead under one model. Set-like: adding the same
 * event twice, or events in any order, yields the same state, which is why incremental
 * scoring equals a full recomputation.
 */
export interface ScoreState {
	/** event rules and hand-raisers: rule id → the earliest sighting of each cap bucket, in time order */
	hits: Record<string, Sighting[]>;
	/** count and sequence rules: `ruleId#step` → every sighting, in time order */
	signals: Record<string, Sighting[]>;
	/** distinct UTC day numbers with activity, ascending */
	days: number[];
	/** the lead's time zone when the state was built: local time for events that carry none */
	zone?: string | null;
	/** events before this (epoch ms) do not count: the lead's score was reset */
	since?: number | null;
}

export type Cap = "none" | "ever" | "day" | "week";

export const DAY_MS = 86_400_000;

export function emptyState(zone: string | null = null, since: number | null = null): ScoreState {
	return { hits: {}, signals: {}, days: [], zone, since };
}

export function earlier(a: Sighting, b: Sighting): boolean {
	return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

/**
 * The cap bucket of a moment: one for ever, the UTC day, or the ISO week (from Monday).
 * Buckets grow with time, so a list in time order is also in bucket order.
 */
export function bucketOf(cap: Exclude<Cap, "none">, time: number): number {
	if (cap === "ever") return 0;
	if (cap === "day") return Math.floor(time / DAY_MS);
	// 1970-01-01 was a Thursday: shift by three days so that weeks start on Monday.
	return Math.floor((time / DAY_MS + 3) / 7);
}

/** First index whose sighting is not earlier than (time, id). */
function lowerBound(list: readonly Sighting[], time: number, id: string): number {
	let lo = 0;
	let hi = list.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		const s = list[mid] as Sighting;
		if (s[0] < time || (s[0] === time && s[1] < id)) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/** Adds a sighting to a time-ordered list once; returns where it went, or -1 if it was there. */
function insertOnce(list: Sighting[], time: number, id: string): number {
	const last = list[list.length - 1];
	if (!last || time > last[0] || (time === last[0] && id > last[1])) {
		list.push([time, id]); // the usual case: events arrive in order
		return list.length - 1;
	}
	const at = lowerBound(list, time, id);
	const there = list[at];
	if (there && there[0] === time && there[1] === id) return -1;
	list.splice(at, 0, [time, id]);
	return at;
}

function listOf(lists: Record<string, Sighting[]>, key: string): Sighting[] {
	let list = lists[key];
	if (!list) {
		list = [];
		lists[key] = list;
	}
	return list;
}

/** Counts an event for a rule: every one (cap none) or only the earliest of its cap bucket. */
export function addHit(state: ScoreState, ruleId: string, cap: Cap, time: number, id: string): void {
	const list = listOf(state.hits, ruleId);
	if (cap === "none") {
		insertOnce(list, time, id);
		return;
	}
	const bucket = bucketOf(cap, time);
	const last = list[list.length - 1];
	if (!last || bucketOf(cap, last[0]) < bucket) {
		list.push([time, id]);
		return;
	}
	const at = lowerBound(list, time, id);
	const before = list[at - 1];
	if (before && bucketOf(cap, before[0]) === bucket) return; // an earlier event holds the bucket
	const after = list[at];
	if (after && bucketOf(cap, after[0]) === bucket)
		list[at] = [time, id]; // this one is earlier
	else list.splice(at, 0, [time, id]);
}

export function addSignal(state: ScoreState, key: string, time: number, id: string): void {
	insertOnce(listOf(state.signals, key), time, id);
}

export function addActiveDay(state: ScoreState, time: number): void {
	const day = Math.floor(time / DAY_MS);
	const days = state.days;
	const last = days[days.length - 1];
	if (last === undefined || day > last) {
		days.push(day);
		return;
	}
	let lo = 0;
	let hi = days.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if ((days[mid] as number) < day) lo = mid + 1;
		else hi = mid;
	}
	if (days[lo] !== day) days.splice(lo, 0, day);
}
