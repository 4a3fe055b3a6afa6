import type { Step } from "../../schemas/nurture.js";

/** Where an enrolment goes after a step: the index of the next step, or "end". */
export function nextStep(steps: readonly Step[], index: number, branchTaken?: boolean): number | "end" {
	const step = steps[index];
	if (!step) return "end";
	if (step.kind === "exit") return "end";
	if (step.kind !== "branch") return index + 1 < steps.length ? index + 1 : "end";
	const target = branchTaken ? step.yes : step.no;
	if (target === "exit") return "end";
	if (target === "next") return index + 1 < steps.length ? index + 1 : "end";
	const found = steps.findIndex((s) => s.id === target);
	return found < 0 ? "end" : found;
}

const PAUSES = new Set(["wait", "wait_until"]);

/**
 * The ids of steps on a loop that never waits (a branch leading back without a wait on the way),
 * which would run forever in one go; empty when every loop waits.
 */
export function loopsWithoutWait(steps: readonly Step[]): string[] {
	const bad = new Set<string>();
	steps.forEach((_, start) => {
		// walk every path from start that does not pass a wait; coming back to start is a loop
		const seen = new Set<number>();
		const queue = [start];
		while (queue.length > 0) {
			const at = queue.pop() as number;
			const step = steps[at];
			if (!step || PAUSES.has(step.kind)) continue;
			const outs =
				step.kind === "branch" ? [nextStep(steps, at, true), nextStep(steps, at, false)] : [nextStep(steps, at)];
			for (const out of outs) {
				if (out === "end") continue;
				if (out === start) bad.add((steps[start] as Step).id);
				else if (!seen.has(out)) {
					seen.add(out);
					queue.push(out);
				}
			}
		}
	});
	return [...bad];
}
