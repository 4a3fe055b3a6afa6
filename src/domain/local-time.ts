/** The UTC instant of a wall-clock time in a time zone (two passes settle DST edges). */
export function zonedTime(
	year: number,
	month: number,
	day: number,
	hour: number,
	minute: number,
	timeZone: string,
): Date {
	const wall = Date.UTC(year, month, day, hour, minute);
	let guess = wall;
	for (let i = 0; i < 2; i++) guess = wall - offsetMs(new Date(guess), timeZone);
	return new Date(guess);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** How far a zone's wall clock is ahead of UTC at an instant. */
export function offsetMs(at: Date, timeZone: string): number {
	let format = formatters.get(timeZone);
	if (!format) {
		format = new Intl.DateTimeFormat("en-US", {
			timeZone,
			hourCycle: "h23",
			year: "numeric",
			month: "numeric",
			day: "numeric",
			hour: "numeric",
			minute: "numeric",
			second: "numeric",
		});
		formatters.set(timeZone, format);
	}
	const parts: Record<string, number> = {};
	for (const part of format.formatToParts(at)) parts[part.type] = Number(part.value);
	const asUtc = Date.UTC(
		parts.year ?? 0,
		(parts.month ?? 1) - 1,
		parts.day ?? 1,
		parts.hour ?? 0,
		parts.minute ?? 0,
		parts.second ?? 0,
	);
	return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}
