/**
 * Backtest math: which leads a model would have made MQLs in a window of history and when,
 * judged only by what happened to them afterwards. A lead's trace is its score read at each of
 * its events' times (the score counts only what had happened by then), so nothing from its
 * future leaks into a flag; its labels are when it really reached SQL and when it was won.
 */
import { median } from "./signal-lift.js";

export interface TracePoint {
	at: number;
	fit: number;
	engagement: number;
	/** qualified by the model's own rule (threshold, matrix or a hand-raise) */
	qualified: boolean;
	/** a hand-raise: qualifies whatever the threshold */
	handRaised: boolean;
}

export interface LeadTrace {
	id: string;
	points: readonly TracePoint[];
	sqlAt: number | null;
	wonAt: number | null;
}

export interface Window {
	start: number;
	end: number;
}

export interface BacktestMetrics {
	/** leads first flagged in the window */
	mqls: number;
	/** of them, the share that reached SQL after being flagged */
	precisionSql: number | null;
	precisionWon: number | null;
	/** of the leads that reached SQL after the window began, the share flagged before they did */
	recallSql: number | null;
	recallWon: number | null;
	/** median days from the flag to SQL, for the flags that were right */
	leadTimeDays: number | null;
	/** flags per ISO week (Monday, YYYY-MM-DD) */
	perWeek: Array<{ week: string; mqls: number }>;
}

const DAY = 86_400_000;
const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** The Monday (UTC) of an instant's week. */
function weekOf(at: number): string {
	const day = Math.floor(at / DAY);
	const monday = day - ((new Date(day * DAY).getUTCDay() + 6) % 7);
	return new Date(monday * DAY).toISOString().slice(0, 10);
}

/** When a lead was first flagged by a test of its trace, or null; only flags in the window count. */
export function firstFlag(trace: LeadTrace, flagged: (p: TracePoint) => boolean, window: Window): number | null {
	for (const point of trace.points) {
		if (!flagged(point)) continue;
		// flagged before the window: an MQL already, not one the window made
		return point.at >= window.start && point.at < window.end ? point.at : null;
	}
	return null;
}

/** Precision, recall, lead time and volume of a set of flags against what really happened. */
export function backtestMetrics(
	traces: readonly LeadTrace[],
	flags: ReadonlyMap<string, number | null>,
	window: Window,
): BacktestMetrics {
	let mqls = 0;
	let rightSql = 0;
	let rightWon = 0;
	const leadTimes: number[] = [];
	const weeks = new Map<string, number>();
	let convertedSql = 0;
	let caughtSql = 0;
	let convertedWon = 0;
	let caughtWon = 0;
	for (const trace of traces) {
		const flag = flags.get(trace.id) ?? null;
		if (flag !== null) {
			mqls++;
			weeks.set(weekOf(flag), (weeks.get(weekOf(flag)) ?? 0) + 1);
			if (trace.sqlAt !== null && trace.sqlAt > flag) {
				rightSql++;
				leadTimes.push((trace.sqlAt - flag) / DAY);
			}
			if (trace.wonAt !== null && trace.wonAt > flag) rightWon++;
		}
		if (trace.sqlAt !== null && trace.sqlAt >= window.start) {
			convertedSql++;
			if (flag !== null && flag < trace.sqlAt) caughtSql++;
		}
		if (trace.wonAt !== null && trace.wonAt >= window.start) {
			convertedWon++;
			if (flag !== null && flag < trace.wonAt) caughtWon++;
		}
	}
	return {
		mqls,
		precisionSql: ratio(rightSql, mqls),
		precisionWon: ratio(rightWon, mqls),
		recallSql: ratio(caughtSql, convertedSql),
		recallWon: ratio(caughtWon, convertedWon),
		leadTimeDays: median(leadTimes),
		perWeek: [...weeks].sort(([a], [b]) => a.localeCompare(b)).map(([week, n]) => ({ week, mqls: n })),
	};
}

export interface SweepRow {
	fitAtLeast: number;
	engagementAtLeast: number;
	mqls: number;
	precisionSql: number | null;
	precisionWon: number | null;
	recallSql: number | null;
}

/**
 * A lead's trace as the sweep needs it, under one fit floor: the moments its engagement (on
 * points that met the floor) first reached a new height, and its first hand-raise. Its first
 * flag under a threshold is the earlier of the hand-raise and the first step at that height,
 * so a threshold costs a few steps a lead, not a walk over every point.
 */
interface Ladder {
	steps: Array<{ at: number; engagement: number }>;
	handRaisedAt: number | null;
}

function ladderOf(trace: LeadTrace, fitAtLeast: number): Ladder {
	const steps: Ladder["steps"] = [];
	let handRaisedAt: number | null = null;
	let height = Number.NEGATIVE_INFINITY;
	for (const p of trace.points) {
		if (p.handRaised) {
			handRaisedAt = p.at;
			break; // nothing after a hand-raise can flag earlier
		}
		if (p.fit >= fitAtLeast && p.engagement > height) {
			height = p.engagement;
			steps.push({ at: p.at, engagement: p.engagement });
		}
	}
	return { steps, handRaisedAt };
}

/**
 * The same history under every pair of fit floor and engagement threshold (hand-raisers
 * always qualify): how many MQLs each would have made and how good they would have been.
 * From the traces already read, so a sweep costs no replay.
 */
const bump = (counts: Int32Array, k: number) => {
	counts[k] = (counts[k] as number) + 1;
};

export function thresholdSweep(
	traces: readonly LeadTrace[],
	fitFloors: readonly number[],
	thresholds: readonly number[],
	window: Window,
): SweepRow[] {
	// recall's denominator does not depend on the thresholds
	let convertedSql = 0;
	for (const trace of traces) if (trace.sqlAt !== null && trace.sqlAt >= window.start) convertedSql++;
	const ascending = [...thresholds].sort((a, b) => a - b);
	const count = ascending.length;
	const rows: SweepRow[] = [];
	for (const fitAtLeast of fitFloors) {
		// the counts backtestMetrics makes, by threshold, without the weeks and lead times a sweep does not show
		const mqls = new Int32Array(count);
		const rightSql = new Int32Array(count);
		const rightWon = new Int32Array(count);
		const caughtSql = new Int32Array(count);
		for (const trace of traces) {
			const { steps, handRaisedAt } = ladderOf(trace, fitAtLeast);
			if (steps.length === 0 && handRaisedAt === null) continue;
			// thresholds ascend and the ladder's heights ascend: one walk finds each threshold's step
			let s = 0;
			for (let k = 0; k < count; k++) {
				const threshold = ascending[k] as number;
				while (s < steps.length && (steps[s] as Ladder["steps"][number]).engagement < threshold) s++;
				const stepAt = s < steps.length ? (steps[s] as Ladder["steps"][number]).at : null;
				const flag = stepAt !== null && (handRaisedAt === null || stepAt < handRaisedAt) ? stepAt : handRaisedAt;
				if (flag === null || flag < window.start || flag >= window.end) continue;
				bump(mqls, k);
				if (trace.sqlAt !== null && trace.sqlAt > flag) {
					bump(rightSql, k);
					if (trace.sqlAt >= window.start) bump(caughtSql, k);
				}
				if (trace.wonAt !== null && trace.wonAt > flag) bump(rightWon, k);
			}
		}
		for (let k = 0; k < count; k++)
			rows.push({
				fitAtLeast,
				engagementAtLeast: ascending[k] as number,
				mqls: mqls[k] as number,
				precisionSql: ratio(rightSql[k] as number, mqls[k] as number),
				precisionWon: ratio(rightWon[k] as number, mqls[k] as number),
				recallSql: ratio(caughtSql[k] as number, convertedSql),
			});
	}
	return rows;
}

/**
 * The thresholds that meet a goal, judged by SQL or by won: at a target precision, the pair
 * that makes the most MQLs while reaching it; at a target volume, the most precise pair making
 * 90–100% of that many MQLs (or, when none does, the one making the most below it).
 */
export function thresholdFor(
	sweep: readonly SweepRow[],
	goal: { precision?: number; volume?: number; judgeBy?: "sql" | "won" },
): SweepRow | null {
	const precisionOf = (r: SweepRow) => (goal.judgeBy === "won" ? r.precisionWon : r.precisionSql) ?? 0;
	let best: SweepRow | null = null;
	if (goal.precision !== undefined) {
		const target = goal.precision;
		for (const r of sweep) if (r.mqls > 0 && precisionOf(r) >= target && (!best || r.mqls > best.mqls)) best = r;
	} else if (goal.volume !== undefined) {
		const target = goal.volume;
		const near = sweep.filter((r) => r.mqls > 0 && r.mqls <= target && r.mqls >= 0.9 * target);
		for (const r of near)
			if (!best || precisionOf(r) > precisionOf(best) || (precisionOf(r) === precisionOf(best) && r.mqls > best.mqls))
				best = r;
		if (!best) for (const r of sweep) if (r.mqls > 0 && r.mqls <= target && (!best || r.mqls > best.mqls)) best = r;
	}
	return best;
}

/** Fit floors worth trying: the model's own, and evenly spaced ones over the fits seen. */
export function fitFloorsOf(traces: readonly LeadTrace[], own: number, steps = 8): number[] {
	let [low, high] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
	for (const t of traces)
		for (const p of t.points) {
			if (p.fit < low) low = p.fit;
			if (p.fit > high) high = p.fit;
		}
	if (!Number.isFinite(low)) return [own];
	const step = Math.max(1, Math.ceil((high - low) / steps));
	const floors = new Set([own]);
	for (let f = low; f <= high; f += step) floors.add(f);
	return [...floors].sort((a, b) => a - b);
}

/** Evenly spaced thresholds from 0 to the highest engagement seen (at most `steps` + 1). */
export function thresholdsOf(traces: readonly LeadTrace[], steps = 40): number[] {
	let max = 0;
	for (const t of traces) for (const p of t.points) if (p.engagement > max) max = p.engagement;
	const step = Math.max(1, Math.ceil(max / steps));
	return Array.from({ length: Math.floor(max / step) + 1 }, (_, i) => i * step);
}
