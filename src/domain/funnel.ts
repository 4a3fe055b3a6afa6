/**
 * Funnel math: the steps a cohort of leads reached, with the rate at which each step
 * converts from the previous one and from the top, and calendar buckets for series.
 */
export const FUNNEL_STEPS = ["lead", "mql", "sql", "opportunity", "customer"] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];

export interface FunnelRow {
	step: FunnelStep;
	count: number;
	/** count ÷ the previous step's count; null for the top or when the previous is 0 */
	fromPrevious: number | null;
	/** count ÷ the top step's count; null when the top is 0 */
	fromTop: number | null;
}

/** part ÷ whole, or null when there is no whole to divide by. */
export const rate = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** `reached[i]` is how many leads reached FUNNEL_STEPS[i] or beyond. */
export function funnelRows(reached: readonly number[]): FunnelRow[] {
	const top = reached[0] ?? 0;
	return FUNNEL_STEPS.map((step, i) => {
		const count = reached[i] ?? 0;
		return {
			step,
			count,
			fromPrevious: i === 0 ? null : rate(count, reached[i - 1] ?? 0),
			fromTop: rate(count, top),
		};
	});
}

export type Interval = "day" | "week";

const DAY_MS = 86_400_000;
const toKey = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The calendar day as a count of days since 1970-01-01 (a date string names a day, not an instant). */
function dayNumber(date: string): number {
	return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

/** Days from `from` to `to`, both included: week buckets for a span over 62 days, else days. */
export function intervalFor(from: string, to: string): Interval {
	return dayNumber(to) - dayNumber(from) + 1 > 62 ? "week" : "day";
}

/**
 * The bucket starts (YYYY-MM-DD) covering `from`..`to` inclusive: each day, or each week from
 * the Monday on or before `from` (as PostgreSQL's date_trunc('week') counts them).
 */
export function bucketKeys(from: string, to: string, interval: Interval): string[] {
	let day = dayNumber(from);
	if (interval === "week") day -= (new Date(day * DAY_MS).getUTCDay() + 6) % 7;
	const step = interval === "week" ? 7 : 1;
	const keys: string[] = [];
	for (; day <= dayNumber(to); day += step) keys.push(toKey(day * DAY_MS));
	return keys;
}

/** A series with a value for every bucket, zero where nothing happened. */
export function filledSeries<K extends string>(
	keys: readonly string[],
	counts: ReadonlyArray<{ bucket: string } & Record<K, number>>,
	fields: readonly K[],
): Array<{ bucket: string } & Record<K, number>> {
	const byBucket = new Map(counts.map((c) => [c.bucket, c]));
	return keys.map((bucket) => {
		const found = byBucket.get(bucket);
		return { bucket, ...Object.fromEntries(fields.map((f) => [f, found?.[f] ?? 0])) } as { bucket: string } & Record<
			K,
			number
		>;
	});
}
