import type { CompiledModel } from "./compile-model.js";
import { scoreOnly } from "./evaluate-score.js";
import type { ScorableEvent, ScorableProfile } from "./scorable.js";
import type { ScoreState } from "./score-state.js";

/**
 * The event at which a lead first qualified, in event-time order: the score is read as of
 * each candidate's time (the state counts only what happened by then), earliest first. So a
 * batch that holds a lead's whole history dates its MQL by the demo request, not by the
 * batch's newest page view. Undefined when no event made the difference (a profile change).
 */
export function firstQualifyingEvent(
	model: CompiledModel,
	state: ScoreState,
	profile: ScorableProfile,
	candidates: readonly ScorableEvent[],
	now: number,
): ScorableEvent | undefined {
	const inOrder = candidates
		.filter((e) => e.timestamp <= now)
		.sort((a, b) => a.timestamp - b.timestamp || (a.messageId < b.messageId ? -1 : 1));
	let lastTime = Number.NaN;
	for (const event of inOrder) {
		if (event.timestamp === lastTime) continue; // same moment, same answer
		lastTime = event.timestamp;
		if (scoreOnly(model, state, profile, event.timestamp).qualification.qualified) return event;
	}
	return undefined;
}
