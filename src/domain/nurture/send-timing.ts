import { offsetMs, zonedTime } from "../local-time.js";

const WEEK_MS = 7 * 86_400_000;

function minutesOf(clock: string): number {
	const [h, m] = clock.split(":").map(Number);
	return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * The first instant from `at` on that falls in a daily window [from, to) of the zone's wall clock
 * on one of the ISO weekdays (1 Monday … 7 Sunday): `at` itself when it is inside one. A window
 * whose end is not after its start runs overnight into the next day.
 */
export function nextWindow(at: Date, timeZone: string, weekdays: readonly number[], from: string, to: string): Date {
	const start = minutesOf(from);
	let end = minutesOf(to);
	if (end <= start) end += 24 * 60;
	const local = new Date(at.getTime() + offsetMs(at, timeZone));
	// from the day before (an overnight window may still be open) to a week ahead
	for (let d = -1; d <= 8; d++) {
		const day = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + d));
		const weekday = day.getUTCDay() === 0 ? 7 : day.getUTCDay();
		if (!weekdays.includes(weekday)) continue;
		const y = day.getUTCFullYear();
		const m = day.getUTCMonth();
		const date = day.getUTCDate();
		const opens = zonedTime(y, m, date, Math.floor(start / 60), start % 60, timeZone);
		const closes = zonedTime(
			y,
			m,
			date + Math.floor(end / (24 * 60)),
			Math.floor((end % 1440) / 60),
			end % 60,
			timeZone,
		);
		if (at < opens) return opens;
		if (at < closes) return at;
	}
	throw new Error("no weekday given for the window"); // the schema asks for at least one
}

/** The first instant from `at` outside the quiet hours of the lead's own day (`at` when it is not quiet). */
export function afterQuietHours(at: Date, timeZone: string, quiet: { from: string; to: string } | null): Date {
	if (!quiet || quiet.from === quiet.to) return at;
	// the hours that are not quiet are a daily window from the end of quiet to its start
	return nextWindow(at, timeZone, [1, 2, 3, 4, 5, 6, 7], quiet.to, quiet.from);
}

/**
 * When one more e-mail fits under a cap of `cap` per rolling 7 days, given the times earlier
 * e-mails went: null when it fits now.
 */
export function capFreesAt(sentTimes: readonly Date[], now: Date, cap: number): Date | null {
	const inWeek = sentTimes
		.map((t) => t.getTime())
		.filter((t) => t > now.getTime() - WEEK_MS && t <= now.getTime())
		.sort((a, b) => a - b);
	if (inWeek.length < cap) return null;
	return new Date((inWeek[inWeek.length - cap] as number) + WEEK_MS);
}

/** When a due e-mail may leave: after the weekly cap frees a place, then outside quiet hours. */
export function sendTime(
	now: Date,
	lead: { timeZone: string; sentTimes: readonly Date[] },
	rules: { weeklyCap: number; quietHours: { from: string; to: string } | null },
): Date {
	const capped = capFreesAt(lead.sentTimes, now, rules.weeklyCap) ?? now;
	return afterQuietHours(capped, lead.timeZone, rules.quietHours);
}
