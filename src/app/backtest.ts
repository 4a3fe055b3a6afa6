import {
	type BacktestMetrics,
	backtestMetrics,
	firstFlag,
	fitFloorsOf,
	type LeadTrace,
	type SweepRow,
	thresholdFor,
	thresholdSweep,
	thresholdsOf,
	type Window,
} from "../domain/backtest.js";
import { AppError } from "../domain/errors.js";
import { compileModel } from "../domain/scoring/compile-model.js";
import type { Db } from "../storage/database.js";
import { activeModel } from "./active-model.js";
import { RANGE_SIZE, THREADS_FROM_RANGES, tracesInThreads } from "./backtest-threads.js";
import { backtestReplay, type Labelled, type RangeTraces, tracesOf } from "./backtest-traces.js";
import { chunkRanges, replayAll } from "./replay.js";
import { getModel } from "./scoring-models.js";

export interface BacktestOptions {
	/** the window of history the models are judged on: flags in [from, to) count */
	from: Date;
	to: Date;
	now: Date;
	/** the sweep's goal: the lowest threshold at this precision, or the nearest volume */
	targetPrecision?: number;
	targetVolume?: number;
	/** the outcome the target's precision counts (SQL by default) */
	judgeBy?: "sql" | "won";
	onProgress?: (leads: number) => void;
	/**
	 * Replay in worker threads, each with its own connection to this PostgreSQL database (the
	 * embedded store lives in one thread, so it replays in-process), once there are enough ranges
	 * of `rangeSize` leads to share out.
	 */
	threads?: { url: string; count: number; rangeSize?: number };
}

export interface BacktestResult {
	window: { from: string; to: string };
	leads: number;
	draft: BacktestMetrics & { modelId: string; name: string };
	active: BacktestMetrics & { version: number; name: string };
	/** both models' flags for the same leads: which each would have made MQLs, and when */
	examples: Array<{
		leadId: string;
		email: string | null;
		draftAt: string | null;
		activeAt: string | null;
		sqlAt: string | null;
	}>;
	sweep: SweepRow[];
	suggestion: SweepRow | null;
	elapsedMs: number;
}

/**
 * Replays the window of history under a draft and under the active model, side by side, and
 * judges both by what really happened afterwards (a lead's real SQL and won times): precision,
 * recall, lead time, MQLs per week; and sweeps the draft's engagement threshold over the same
 * traces. Only events up to the window's end are read; each lead's score at a moment counts only
 * what had happened by then, so no flag sees its lead's future.
 */
export async function backtest(db: Db, draftId: string, options: BacktestOptions): Promise<BacktestResult> {
	const started = performance.now();
	const { document, name } = await getModel(db, draftId);
	const compiled = compileModel(document);
	if (!compiled.ok)
		throw new AppError("validation_failed", "The draft has problems; fix them first.", compiled.problems);
	const active = await activeModel(db);
	if (!active) throw new AppError("not_found", "No model is published to compare with.");
	const activeRow = await db
		.selectFrom("scoring_models")
		.select("name")
		.where("version", "=", active.version)
		.executeTakeFirst();
	const window: Window = { start: options.from.getTime(), end: options.to.getTime() };
	const models = { draft: compiled.model, active: active.model };
	const draftTraces: LeadTrace[] = [];
	const activeTraces: LeadTrace[] = [];
	const emails = new Map<string, string | null>();
	const gather = (traces: RangeTraces) => {
		draftTraces.push(...traces.draft);
		activeTraces.push(...traces.active);
		for (const [id, email] of traces.emails) emails.set(id, email);
		options.onProgress?.(draftTraces.length);
	};
	const { rangeSize = RANGE_SIZE, ...threads } = options.threads ?? { url: "", count: 0 };
	const ranges = await chunkRanges(db, rangeSize);
	if (threads.count > 0 && ranges.length >= Math.min(THREADS_FROM_RANGES, 2 * threads.count))
		await tracesInThreads(ranges, { ...threads, draft: document, active: active.model.document, window }, gather);
	else
		await replayAll<Labelled>(db, compiled.model, {
			...backtestReplay(models, window),
			ranges,
			// while one range waits on the database, the last one is scored
			concurrency: 2,
			onRange: (_trx, leads) => gather(tracesOf(models, leads, window)),
		});
	// ranges finish in any order: the same history gives the same examples
	const byId = (a: LeadTrace, b: LeadTrace) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
	draftTraces.sort(byId);
	activeTraces.sort(byId);
	const flagsOf = (traces: readonly LeadTrace[]) =>
		new Map(traces.map((t) => [t.id, firstFlag(t, (p) => p.qualified, window)]));
	const draftFlags = flagsOf(draftTraces);
	const activeFlags = flagsOf(activeTraces);
	const qualification = document.qualification;
	const fitFloor = "fitAtLeast" in qualification ? qualification.fitAtLeast : 0;
	// every pair of fit floor and engagement threshold is tried for the goal; the chart shows the
	// draft's own fit floor
	const grid = thresholdSweep(draftTraces, fitFloorsOf(draftTraces, fitFloor), thresholdsOf(draftTraces), window);
	const sweep = grid.filter((r) => r.fitAtLeast === fitFloor);
	const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
	const examples = draftTraces
		.filter((t) => draftFlags.get(t.id) !== activeFlags.get(t.id))
		.slice(0, 20)
		.map((t) => ({
			leadId: t.id,
			email: emails.get(t.id) ?? null,
			draftAt: iso(draftFlags.get(t.id) ?? null),
			activeAt: iso(activeFlags.get(t.id) ?? null),
			sqlAt: iso(t.sqlAt),
		}));
	return {
		window: { from: options.from.toISOString(), to: options.to.toISOString() },
		leads: draftTraces.length,
		draft: { ...backtestMetrics(draftTraces, draftFlags, window), modelId: draftId, name },
		active: {
			...backtestMetrics(activeTraces, activeFlags, window),
			version: active.version,
			name: activeRow?.name ?? "",
		},
		examples,
		sweep,
		suggestion: thresholdFor(grid, {
			...(options.targetPrecision !== undefined ? { precision: options.targetPrecision } : {}),
			...(options.targetVolume !== undefined ? { volume: options.targetVolume } : {}),
			judgeBy: options.judgeBy ?? "sql",
		}),
		elapsedMs: performance.now() - started,
	};
}
