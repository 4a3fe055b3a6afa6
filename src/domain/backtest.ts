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
	engagementAtLeast: number;
	mqls: number;
	precisionSql: number | null;
	recallSql: number | null;
}

/**
 * The same history under every engagement threshold (fit at least `fitAtLeast`, hand-raisers
 * always): how many MQLs each would have made and how good they would have been. From the
 * traces already read, so a sweep costs no replay.
 */
export function thresholdSweep(
	traces: readonly LeadTrace[],
	fitAtLeast: number,
	thresholds: readonly number[],
	window: Window,
): SweepRow[] {
	return thresholds.map((t) => {
		const flags = new Map(
			traces.map((trace) => [
				trace.id,
				firstFlag(trace, (p) => p.handRaised || (p.fit >= fitAtLeast && p.engagement >= t), window),
			]),
		);
		const m = backtestMetrics(traces, flags, window);
		return { engagementAtLeast: t, mqls: m.mqls, precisionSql: m.precisionSql, recallSql: m.recallSql };
	});
}

/**
 * The threshold that meets a goal: the lowest (most MQLs) whose precision reaches `precision`,
 * or the one whose MQL count comes nearest `volume` without passing it.
 */
export function thresholdFor(
	sweep: readonly SweepRow[],
	goal: { precision?: number; volume?: number },
): SweepRow | null {
	const byThreshold = [...sweep].sort((a, b) => a.engagementAtLeast - b.engagementAtLeast);
	if (goal.precision !== undefined) {
		const target = goal.precision;
		return byThreshold.find((r) => r.mqls > 0 && (r.precisionSql ?? 0) >= target) ?? null;
	}
	if (goal.volume !== undefined) {
		const target = goal.volume;
		return byThreshold.find((r) => r.mqls <= target) ?? null;
	}
	return null;
}

/** Evenly spaced thresholds from 0 to the highest engagement seen (at most `steps` + 1). */
export function thresholdsOf(traces: readonly LeadTrace[], steps = 40): number[] {
	let max = 0;
	for (const t of traces) for (const p of t.points) if (p.engagement > max) max = p.engagement;
	const step = Math.max(1, Math.ceil(max / steps));
	return Array.from({ length: Math.floor(max / step) + 1 }, (_, i) => i * step);
}
