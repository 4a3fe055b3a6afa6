import { DAY_MS, type Sighting } from "./score-state.js";

/** Sightings up to a moment (lists are sorted by time). */
export function upTo(list: readonly Sighting[], at: number): readonly Sighting[] {
	let end = list.length;
	while (end > 0 && (list[end - 1] as Sighting)[0] > at) end--;
	return end === list.length ? list : list.slice(0, end);
}

/** The events that complete "at least n within d days": each one with n or more in its trailing window. */
export function countFirings(sightings: readonly Sighting[], atLeast: number, withinDays: number): Sighting[] {
	const span = withinDays * DAY_MS;
	const firings: Sighting[] = [];
	let start = 0;
	for (let i = 0; i < sightings.length; i++) {
		const [time] = sightings[i] as Sighting;
		while ((sightings[start] as Sighting)[0] <= time - span) start++;
		if (i - start + 1 >= atLeast) firings.push(sightings[i] as Sighting);
	}
	return firings;
}

/** Latest sighting at or before a time, by binary search. */
function latestAtOrBefore(list: readonly Sighting[], time: number): Sighting | undefined {
	let lo = 0;
	let hi = list.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if ((list[mid] as Sighting)[0] <= time) lo = mid + 1;
		else hi = mid;
	}
	return list[lo - 1];
}

/**
 * The events of the last step that complete the sequence: each earlier step seen, in order,
 * no later than the next, and the first no more than d days before. Choosing the latest
 * sighting of each earlier step keeps the chain as short as it can be.
 */
export function sequenceFirings(steps: ReadonlyArray<readonly Sighting[]>, withinDays: number): Sighting[] {
	const last = steps[steps.length - 1] ?? [];
	const span = withinDays * DAY_MS;
	return last.filter(([time, id]) => {
		let bound = time;
		for (let s = steps.length - 2; s >= 0; s--) {
			const found = latestAtOrBefore(steps[s] ?? [], bound);
			if (!found || (found[0] === time && found[1] === id)) return false;
			bound = found[0];
		}
		return time - bound <= span;
	});
}
