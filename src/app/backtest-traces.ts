import { sql } from "kysely";
import type { LeadTrace, TracePoint, Window } from "../domain/backtest.js";
import type { CompiledModel } from "../domain/scoring/compile-model.js";
import { scoreMoments } from "../domain/scoring/evaluate-score.js";
import { stateFromEvents } from "../domain/scoring/state-from-events.js";
import type { Replayed, ReplayOptions } from "./replay.js";

/** The two models a backtest replays history under. */
export interface BacktestModels {
	draft: CompiledModel;
	active: CompiledModel;
}

/** The labels each replayed lead carries: when it really reached SQL and was won. */
export type Labelled = { sql_at: Date | null; won_at: Date | null };

/** Both models' traces of some leads, and their addresses (for the examples). */
export interface RangeTraces {
	draft: LeadTrace[];
	active: LeadTrace[];
	emails: Array<[string, string | null]>;
}

/**
 * How a backtest replays its leads: those known before the window's end, with only the events
 * up to it, the event fields either model reads, and their real SQL and won times.
 */
export function backtestReplay(models: BacktestModels, window: Window): ReplayOptions {
	const to = new Date(window.end);
	return {
		asOf: window.end,
		eventsUpTo: to,
		eventFields: new Set([...models.draft.eventFields, ...models.active.eventFields]),
		historiesOnly: true,
		where: sql<boolean>`l.first_seen_at < ${to}`,
		extra: {
			columns: sql`f.sql_at, f.won_at`,
			join: sql`left join lateral (
				select min(c.at) filter (where c.to_stage in ('sql', 'opportunity', 'customer')) as sql_at,
					min(c.at) filter (where c.to_stage = 'customer') as won_at
				from stage_changes c where c.lead_id = l.id) f on true`,
		},
	};
}

/**
 * A lead's score under a model, read at each moment its history changed; with `untilQualified`,
 * only up to the first moment it qualifies (all a model's flag needs; the sweep needs them all).
 */
function traceOf(
	model: CompiledModel,
	lead: Replayed<Labelled>,
	times: readonly number[],
	untilQualified = false,
): TracePoint[] {
	const state = stateFromEvents(model, lead.history, lead.row.timezone, lead.profile.scoreResetAt);
	return scoreMoments(model, state, lead.profile, times, untilQualified);
}

/** Both models' traces of replayed leads: the draft's at every moment, the active model's until it qualifies. */
export function tracesOf(
	models: BacktestModels,
	leads: ReadonlyArray<Replayed<Labelled>>,
	window: Window,
): RangeTraces {
	const out: RangeTraces = { draft: [], active: [], emails: [] };
	for (const lead of leads) {
		// the moments the score can change: each event's time (hand-raises and thresholds happen then)
		const times = [...new Set(lead.history.map((e) => e.timestamp))].filter((t) => t < window.end);
		const labels = {
			id: lead.row.id,
			sqlAt: lead.row.sql_at ? new Date(lead.row.sql_at).getTime() : null,
			wonAt: lead.row.won_at ? new Date(lead.row.won_at).getTime() : null,
		};
		out.emails.push([lead.row.id, lead.row.email]);
		out.draft.push({ ...labels, points: traceOf(models.draft, lead, times) });
		// the active model reads the same history, its state built under its own rules
		out.active.push({ ...labels, points: traceOf(models.active, lead, times, true) });
	}
	return out;
}

/** Traces as a few flat arrays: what a worker thread hands back cheaply (no object graph to copy). */
export interface PackedTraces {
	ids: string[];
	sqlAt: Float64Array;
	wonAt: Float64Array;
	/** each lead's first point; one more than leads */
	offsets: Uint32Array;
	at: Float64Array;
	fit: Float64Array;
	engagement: Float64Array;
	/** bit 1 qualified, bit 2 hand-raised */
	flags: Uint8Array;
}

export function packTraces(traces: readonly LeadTrace[]): PackedTraces {
	const points = traces.reduce((n, t) => n + t.points.length, 0);
	const packed: PackedTraces = {
		ids: traces.map((t) => t.id),
		sqlAt: Float64Array.from(traces, (t) => t.sqlAt ?? Number.NaN),
		wonAt: Float64Array.from(traces, (t) => t.wonAt ?? Number.NaN),
		offsets: new Uint32Array(traces.length + 1),
		at: new Float64Array(points),
		fit: new Float64Array(points),
		engagement: new Float64Array(points),
		flags: new Uint8Array(points),
	};
	let k = 0;
	traces.forEach((t, i) => {
		packed.offsets[i] = k;
		for (const p of t.points) {
			packed.at[k] = p.at;
			packed.fit[k] = p.fit;
			packed.engagement[k] = p.engagement;
			packed.flags[k] = (p.qualified ? 1 : 0) | (p.handRaised ? 2 : 0);
			k++;
		}
	});
	packed.offsets[traces.length] = k;
	return packed;
}

export function unpackTraces(p: PackedTraces): LeadTrace[] {
	const nan = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? null : v);
	return p.ids.map((id, i) => {
		const points: TracePoint[] = [];
		for (let k = p.offsets[i] as number; k < (p.offsets[i + 1] as number); k++) {
			const flags = p.flags[k] as number;
			points.push({
				at: p.at[k] as number,
				fit: p.fit[k] as number,
				engagement: p.engagement[k] as number,
				qualified: (flags & 1) !== 0,
				handRaised: (flags & 2) !== 0,
			});
		}
		return { id, points, sqlAt: nan(p.sqlAt[i]), wonAt: nan(p.wonAt[i]) };
	});
}

/** The buffers of packed traces, to transfer rather than copy. */
export const transferables = (p: PackedTraces): ArrayBuffer[] =>
	[p.sqlAt, p.wonAt, p.offsets, p.at, p.fit, p.engagement, p.flags].map((a) => a.buffer as ArrayBuffer);
