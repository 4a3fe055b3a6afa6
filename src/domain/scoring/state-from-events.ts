import type { CompiledModel } from "./compile-model.js";
import type { ScorableEvent } from "./scorable.js";
import { emptyState, type ScoreState } from "./score-state.js";

/**
 * Adds a lead's events to its state. An event without its own time zone is read in the
 * lead's (the state's `zone`), so a lead whose zone changes needs its state rebuilt.
 */
export function applyEvents(model: CompiledModel, state: ScoreState, events: Iterable<ScorableEvent>): ScoreState {
	const zone = state.zone ?? null;
	const since = state.since ?? null;
	for (const event of events) {
		if (since !== null && event.timestamp < since) continue;
		model.applyEvent(state, event.timezone || !zone ? event : { ...event, timezone: zone });
	}
	return state;
}

/** Whether a stored state was built for the lead as it is now (same zone, same score reset). */
export function stateFits(state: ScoreState, lead: { timezone: string | null; scoreResetAt: number | null }): boolean {
	return (state.zone ?? null) === lead.timezone && (state.since ?? null) === lead.scoreResetAt;
}

/** The state a lead's whole history gives: what a full rescore computes. */
export function stateFromEvents(
	model: CompiledModel,
	events: Iterable<ScorableEvent>,
	zone: string | null = null,
	since: number | null = null,
): ScoreState {
	return applyEvents(model, emptyState(zone, since), events);
}
