import { sql } from "kysely";
import {
	type BacktestMetrics,
	backtestMetrics,
	firstFlag,
	fitFloorsOf,
	type LeadTrace,
	type SweepRow,
	type TracePoint,
	thresholdFor,
	thresholdSweep,
	thresholdsOf,
	type Window,
} from "../domain/backtest.js";
import { AppError } from "../domain/errors.js";
import { type CompiledModel, compileModel } from "../domain/scoring/compile-model.js";
import { scoreMoments } from "../domain/scoring/evaluate-score.js";
import { stateFromEvents } from "../domain/scoring/state-from-events.js";
import type { Db } from "../storage/database.js";
import { activeModel } from "./active-model.js";
import { type Replayed, replayAll } from "./replay.js";
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
 * A lead's score under a model, read at each moment its history changed; with `untilQualified`,
 * only up to the first moment it qualifies (all a model's flag needs; the sweep needs them all).
 */
function traceOf(
	model: CompiledModel,
	lead: Replayed<object>,
	times: readonly number[],
	untilQualified = false,
): TracePoint[] {
	const state = stateFromEvents(model, lead.history, lead.row.timezone, lead.profile.scoreResetAt);
	return scoreMoments(model, state, lead.profile, times, untilQualified);
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
	const draftTraces: LeadTrace[] = [];
	const activeTraces: LeadTrace[] = [];
	const emails = new Map<string, string | null>();
	await replayAll<{ sql_at: Date | null; won_at: Date | null }>(db, compiled.model, {
		asOf: window.end,
		eventsUpTo: options.to,
		// what either model reads of the events, and no more
		eventFields: new Set([...compiled.model.eventFields, ...active.model.eventFields]),
		historiesOnly: true,
		chunkSize: 500,
		// while one range waits on the database, the last one is scored
		concurrency: 2,
		where: sql<boolean>`l.first_seen_at < ${options.to}`,
		extra: {
			columns: sql`f.sql_at, f.won_at`,
			join: sql`left join lateral (
				select min(c.at) filter (where c.to_stage in ('sql', 'opportunity', 'customer')) as sql_at,
					min(c.at) filter (where c.to_stage = 'customer') as won_at
				from stage_changes c where c.lead_id = l.id) f on true`,
		},
		onRange: async (_trx, leads) => {
			for (const lead of leads) {
				// the moments the score can change: each event's time (hand-raises and thresholds happen then)
				const times = [...new Set(lead.history.map((e) => e.timestamp))].filter((t) => t < window.end);
				const labels = {
					id: lead.row.id,
					sqlAt: lead.row.sql_at ? new Date(lead.row.sql_at).getTime() : null,
					wonAt: lead.row.won_at ? new Date(lead.row.won_at).getTime() : null,
				};
				emails.set(lead.row.id, lead.row.email);
				draftTraces.push({ ...labels, points: traceOf(compiled.model, lead, times) });
				// the active model reads the same history, its state built under its own rules
				activeTraces.push({ ...labels, points: traceOf(active.model, lead, times, true) });
			}
			options.onProgress?.(draftTraces.length);
		},
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
