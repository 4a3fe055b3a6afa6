/**
 * What a CSV column holds, guessed from a sample of its values, and the values read by that
 * guess: numbers, yes/no flags, dates in the format the column uses (day-first, month-first, ISO,
 * with or without a time, or Excel serial numbers), or text. A guess is shown to the person and
 * can be overridden; a value that does not fit its column's type is a problem named by line and
 * column, never a silent blank.
 */

export const DATE_FORMATS = ["iso", "day-first", "month-first", "excel-serial"] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];
export type ValueType = "text" | "number" | "flag" | { date: DateFormat };

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** 01-02-2018, 1/2/2018, 01.02.2018, with an optional 19:58 or 19:58:07 */
const PARTS = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const NUMBER = /^[-+]?(\d+([.,]\d+)?|\d{1,3}(,\d{3})+(\.\d+)?)$/;
const FLAGS: Record<string, boolean> = {
	true: true,
	false: false,
	yes: true,
	no: false,
	y: true,
	n: false,
	"1": true,
	"0": false,
	t: true,
	f: false,
};
/** Excel counts days from 1899-12-30; 20000–80000 is 1954–2119, a range where no one means a count. */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const DAY = 86_400_000;

const isBlank = (value: string) => value.trim() === "";

function utc(year: number, month: number, day: number, h = 0, m = 0, s = 0): Date | null {
	const date = new Date(Date.UTC(year, month - 1, day, h, m, s));
	return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : null;
}

/** A value read as a date in one format, or null when it is not one. Times without a zone are UTC. */
export function parseDate(value: string, format: DateFormat): Date | null {
	const text = value.trim();
	if (format === "iso") {
		const m = ISO.exec(text);
		if (!m) return null;
		if (m[7]) {
			const date = new Date(text.replace(" ", "T"));
			return Number.isNaN(date.getTime()) ? null : date;
		}
		return utc(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
	}
	if (format === "excel-serial") {
		if (!/^\d{5}(\.\d+)?$/.test(text)) return null;
		const serial = Number(text);
		return serial >= 20_000 && serial <= 80_000 ? new Date(EXCEL_EPOCH + Math.round(serial * DAY)) : null;
	}
	const m = PARTS.exec(text);
	if (!m) return null;
	const [first, second] = [Number(m[1]), Number(m[2])];
	const [day, month] = format === "day-first" ? [first, second] : [second, first];
	return utc(Number(m[3]), month, day, Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
}

/**
 * The date format of a column, from its values: ISO when they all read as ISO; day-first when a
 * first part is over 12, month-first when a second part is; when nothing tells them apart,
 * day-first (most of the world writes the day first) and `ambiguous` is said beside the guess.
 */
function dateFormatOf(values: readonly string[]): { format: DateFormat; ambiguous: boolean } | null {
	if (values.every((v) => parseDate(v, "iso"))) return { format: "iso", ambiguous: false };
	if (values.every((v) => parseDate(v, "excel-serial")) && values.some((v) => v.includes(".") || v.length === 5))
		return { format: "excel-serial", ambiguous: false };
	const dayFirst = values.every((v) => parseDate(v, "day-first"));
	const monthFirst = values.every((v) => parseDate(v, "month-first"));
	if (dayFirst && !monthFirst) return { format: "day-first", ambiguous: false };
	if (monthFirst && !dayFirst) return { format: "month-first", ambiguous: false };
	if (dayFirst && monthFirst) return { format: "day-first", ambiguous: true };
	return null;
}

export interface TypeGuess {
	type: ValueType;
	/** the guess could be otherwise (dates whose days are all 12 or less) */
	ambiguous: boolean;
	/** values in the sample that are not blank */
	filled: number;
	/** sample values that do not fit the guess (a few damaged cells do not change a column's type) */
	misfits: string[];
}

/** Headers that name a time: a column of plain numbers under one is Excel serial dates. */
export const DATE_HEADER = /date|time|(^|_)at$|At$|created|updated|won|closed|day/i;

/**
 * A column's type from a sample of its values: the strictest type that all but a few fit. Plain
 * numbers are dates only under a header that names a time (Excel stores dates as serial numbers).
 */
export function guessType(sample: readonly string[], header = ""): TypeGuess {
	const values = sample.filter((v) => !isBlank(v)).map((v) => v.trim());
	const filled = values.length;
	if (filled === 0) return { type: "text", ambiguous: false, filled, misfits: [] };
	// A column is of a type when at least 98% of its filled values are (spreadsheets damage a few cells).
	const enough = (fits: number) => fits >= Math.ceil(filled * 0.98);
	const misfitsOf = (fits: (v: string) => boolean) => values.filter((v) => !fits(v)).slice(0, 5);
	const serials = DATE_HEADER.test(header);
	const fitting = values.filter((v) => PARTS.test(v) || ISO.test(v) || (serials && /^\d{5}(\.\d+)?$/.test(v)));
	if (enough(fitting.length) && (serials || fitting.some((v) => !/^\d+(\.\d+)?$/.test(v)))) {
		const date = dateFormatOf(fitting);
		if (date)
			return {
				type: { date: date.format },
				ambiguous: date.ambiguous,
				filled,
				misfits: misfitsOf((v) => parseDate(v, date.format) !== null),
			};
	}
	// yes/no words make a flag column; a column of only 0 and 1 stays a number
	const isFlag = (v: string) => v.toLowerCase() in FLAGS;
	if (enough(values.filter(isFlag).length) && values.some((v) => !/^[01]$/.test(v)))
		return { type: "flag", ambiguous: false, filled, misfits: misfitsOf(isFlag) };
	const isNumber = (v: string) => NUMBER.test(v);
	if (enough(values.filter(isNumber).length))
		return { type: "number", ambiguous: false, filled, misfits: misfitsOf(isNumber) };
	return { type: "text", ambiguous: false, filled, misfits: [] };
}

/** A cell read by its column's type; blank is null; a misfit says what was expected. */
export function readValue(
	value: string,
	type: ValueType,
): { value: string | number | boolean | Date | null } | { problem: string } {
	const text = value.trim();
	if (text === "") return { value: null };
	if (type === "text") return { value: text };
	if (type === "number") {
		if (!NUMBER.test(text)) return { problem: `"${text}" is not a number` };
		// 1,234.5 is thousands; 12,5 (one comma, no dot) is a decimal comma
		const normal = /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(text.replace(/^[-+]/, ""))
			? text.replaceAll(",", "")
			: text.replace(",", ".");
		return { value: Number(normal) };
	}
	if (type === "flag") {
		const flag = FLAGS[text.toLowerCase()];
		return flag === undefined ? { problem: `"${text}" is not yes or no` } : { value: flag };
	}
	const date = parseDate(text, type.date);
	return date ? { value: date } : { problem: `"${text}" is not a ${type.date} date` };
}

/** The guess in words, as the person sees it beside the column. */
export function describeType(guess: TypeGuess): string {
	const { type } = guess;
	const base =
		typeof type === "string"
			? type === "flag"
				? "yes/no"
				: type
			: type.date === "iso"
				? "date (ISO, 2018-02-26)"
				: type.date === "excel-serial"
					? "date (Excel serial number)"
					: type.date === "day-first"
						? "date, day first (26-02-2018)"
						: "date, month first (02/26/2018)";
	return guess.ambiguous ? `${base}; every day is 12 or less, so it could be the other way round` : base;
}
