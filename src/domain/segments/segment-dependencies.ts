/**
 * What a segment's condition leans on: the other segments it names (checked before it), and
 * whether time alone can change its answer (the timer's work).
 */
import type { SegmentCondition } from "../../schemas/segments.js";

/** The names (lower-cased) of the segments and lists a condition names with in_segment. */
export function namedSegments(c: SegmentCondition): Set<string> {
	const names = new Set<string>();
	const walk = (x: SegmentCondition): void => {
		if ("all" in x) x.all.forEach(walk);
		else if ("any" in x) x.any.forEach(walk);
		else if ("not" in x) walk(x.not);
		else if ("inSegment" in x) names.add(x.inSegment.toLowerCase());
	};
	walk(c);
	return names;
}

/**
 * Whether the condition's answer can change with nothing but time passing: a window of the last
 * N days, an absolute window (until it has passed), days since, or a segment that ages.
 */
export function conditionAges(c: SegmentCondition, namedAges: (lowerName: string) => boolean): boolean {
	if ("all" in c) return c.all.some((x) => conditionAges(x, namedAges));
	if ("any" in c) return c.any.some((x) => conditionAges(x, namedAges));
	if ("not" in c) return conditionAges(c.not, namedAges);
	if ("count" in c) return c.withinDays !== undefined || c.from !== undefined || c.to !== undefined;
	if ("daysSince" in c) return true;
	if ("inSegment" in c) return namedAges(c.inSegment.toLowerCase());
	return false;
}

/**
 * Orders segments into levels: each level names only segments of earlier levels (or lists and
 * names outside the set). Segments caught in a cycle, which saving refuses, go last together.
 */
export function segmentLevels<T extends { name: string; condition: SegmentCondition }>(segments: readonly T[]): T[][] {
	const byName = new Map(segments.map((s) => [s.name.toLowerCase(), s]));
	const needs = new Map(
		segments.map((s) => [
			s,
			[...namedSegments(s.condition)].filter((n) => byName.has(n) && n !== s.name.toLowerCase()),
		]),
	);
	const placed = new Set<string>();
	const levels: T[][] = [];
	let left = [...segments];
	while (left.length > 0) {
		const ready = left.filter((s) => (needs.get(s) ?? []).every((n) => placed.has(n)));
		const level = ready.length > 0 ? ready : left;
		levels.push(level);
		for (const s of level) placed.add(s.name.toLowerCase());
		left = left.filter((s) => !level.includes(s));
	}
	return levels;
}

/** The segments whose conditions age with time, and those that name them: the timer's work. */
export function agingSegments<T extends { name: string; condition: SegmentCondition }>(levels: readonly T[][]): T[] {
	const aging = new Set<string>();
	return levels.flat().filter((s) => {
		if (!conditionAges(s.condition, (name) => aging.has(name))) return false;
		aging.add(s.name.toLowerCase());
		return true;
	});
}

/**
 * The segments that would name `name` through others (directly or by a chain) if it were saved
 * with this condition: a segment may not lean on itself. Empty when saving it is safe.
 */
export function cycleThrough(
	segments: ReadonlyArray<{ name: string; condition: SegmentCondition | null }>,
	name: string,
	condition: SegmentCondition,
): string[] {
	const target = name.toLowerCase();
	const names = new Map(
		segments.map((s) => [s.name.toLowerCase(), s.condition ? [...namedSegments(s.condition)] : []] as const),
	);
	names.set(target, [...namedSegments(condition)]);
	const path: string[] = [];
	const seen = new Set<string>();
	const visit = (at: string): boolean => {
		for (const next of names.get(at) ?? []) {
			if (next === target) return true;
			if (seen.has(next)) continue;
			seen.add(next);
			path.push(next);
			if (visit(next)) return true;
			path.pop();
		}
		return false;
	};
	return visit(target) ? path : [];
}
