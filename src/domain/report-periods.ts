/**
 * The dashboard's periods and cohorts, defined once. A period is a run of whole days in a time
 * zone, both ends included. Each figure counts one cohort, named on its card:
 *
 * - leads: leads first seen in the period (the funnel, sources, temperatures);
 * - mqls: leads that became MQLs in the period (MQL → SQL, the MQL series);
 * - handoffs: leads handed to sales in the period (speed to lead, touched, breached).
 *
 * "Accepted" means one thing everywhere: sales accepted the lead, so it reached SQL (accepting a
 * handoff makes it an SQL; a lead counts once however many handoffs it had).
 */

export const PERIOD_PRESETS = [
	"today",
	"this-week",
	"this-month",
	"this-quarter",
	"last-7-days",
	"last-30-days",
	"last-90-days",
	"last-12-months",
] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

export interface Period {
	/** first day, YYYY-MM-DD */
	from: string;
	/** last day, included */
	to: string;
}

export const COHORTS = {
	leads: "leads first seen in the period",
	mqls: "leads that became MQLs in the period",
	handoffs: "leads handed to sales in the period",
} as const;
export type Cohort = keyof typeof COHORTS;

export const ACCEPTED = "accepted by sales: the lead reached SQL";

const DAY_MS = 86_400_000;
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The calendar date an instant falls on in a zone. */
export function dateIn(instant: Date, zone: string): string {
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
			.formatToParts(instant)
			.map((p) => [p.type, p.value]),
	);
	return `${parts.year}-${parts.month}-${parts.day}`;
}

/** Days in a period, both ends counted. */
export const daysIn = (period: Period): number => dayNumber(period.to) - dayNumber(period.from) + 1;

/**
 * A preset's days, up to and including `today`: "this week" starts on Monday (ISO), "this
 * quarter" on the first day of January, April, July or October; "last 7 days" ends today.
 */
export function presetPeriod(preset: PeriodPreset, today: string): Period {
	const day = dayNumber(today);
	const [year, month] = today.split("-").map(Number) as [number, number];
	const back = (days: number) => ({ from: dateOf(day - days + 1), to: today });
	switch (preset) {
		case "today":
			return { from: today, to: today };
		case "this-week":
			return { from: dateOf(day - ((new Date(day * DAY_MS).getUTCDay() + 6) % 7)), to: today };
		case "this-month":
			return { from: `${today.slice(0, 8)}01`, to: today };
		case "this-quarter":
			return { from: `${year}-${String(month - ((month - 1) % 3)).padStart(2, "0")}-01`, to: today };
		case "last-7-days":
			return back(7);
		case "last-30-days":
			return back(30);
		case "last-90-days":
			return back(90);
		case "last-12-months":
			return back(365);
	}
}

/** The days a report asks for: a preset resolved at `now` in the zone, or its own from and to. */
export function periodOf(
	query: { preset?: PeriodPreset | undefined; from?: string | undefined; to?: string | undefined; zone: string },
	now: Date,
): Period {
	return query.preset
		? presetPeriod(query.preset, dateIn(now, query.zone))
		: { from: query.from ?? "", to: query.to ?? "" };
}

/** The period to compare with: as many days, ending the day before this one starts. */
export function previousPeriod(period: Period): Period {
	const days = daysIn(period);
	const from = dayNumber(period.from);
	return { from: dateOf(from - days), to: dateOf(from - 1) };
}

/** current against previous, as a fraction (0.25 is 25% more); null when there was nothing before. */
export function change(current: number, previous: number): number | null {
	return previous > 0 ? (current - previous) / previous : null;
}
