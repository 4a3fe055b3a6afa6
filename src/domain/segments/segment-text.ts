/**
 * A segment's condition as text a person writes and reads, both ways:
 *
 *   stage = mql and country in ("DE", "AT") and grade in (A, B)
 *     and count(page where path ^= "/pricing", 7d) >= 3 and days_since(stage_changed) > 14
 *
 * `and` binds tighter than `or`; `not` and parentheses as usual. A bare word on the right is a
 * string (A, mql); names that are not the lead's own fields are traits (`trait("Job title")`
 * for any other spelling). Behaviour: `count(page|track "Name"|touch "call" where … , 7d)` or
 * with `from "2026-01-01" to "2026-02-01"`; `days_since(last(page where …))`; the lead's own
 * clock: `where local_hour >= 22`. Other segments: `in_segment("Name")`. A parse error says
 * where (line and column) and what was expected.
 */
import {
	COUNT_OPS,
	type CompareOp,
	type CountOp,
	EVENT_FIELD_PATTERN,
	type EventField,
	type EventFilter,
	type EventTest,
	LEAD_FIELDS,
	type LeadField,
	type Scalar,
	type SegmentCondition,
	SINCE,
	type Since,
	type Subject,
	type Test,
} from "../../schemas/segments.js";

export class SegmentSyntaxError extends Error {
	constructor(
		readonly line: number,
		readonly column: number,
		readonly expected: string,
		readonly found: string,
	) {
		super(`line ${line}, column ${column}: expected ${expected}, found ${found}`);
		this.name = "SegmentSyntaxError";
	}
}

type TokenKind = "word" | "string" | "number" | "days" | "op" | "(" | ")" | "," | "end";
interface Token {
	kind: TokenKind;
	text: string;
	value: string | number;
	line: number;
	column: number;
}

const OPS = ["!=", "<=", ">=", "^=", "*=", "=", "<", ">"];

function tokenize(source: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	let line = 1;
	let lineStart = 0;
	const at = () => ({ line, column: i - lineStart + 1 });
	while (i < source.length) {
		const c = source[i] as string;
		if (c === "\n") {
			i++;
			line++;
			lineStart = i;
			continue;
		}
		if (/\s/.test(c)) {
			i++;
			continue;
		}
		const where = at();
		if (c === '"') {
			let j = i + 1;
			while (j < source.length && source[j] !== '"') j += source[j] === "\\" ? 2 : 1;
			if (j >= source.length) throw new SegmentSyntaxError(where.line, where.column, 'a closing "', "the end");
			const text = source.slice(i, j + 1);
			let value: string;
			try {
				value = JSON.parse(text);
			} catch {
				throw new SegmentSyntaxError(where.line, where.column, "a string with valid escapes", text);
			}
			tokens.push({ kind: "string", text, value, ...where });
			i = j + 1;
			continue;
		}
		const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?(d\b)?/.exec(source.slice(i));
		if (number) {
			const [text] = number;
			const days = text.endsWith("d");
			tokens.push({
				kind: days ? "days" : "number",
				text,
				value: Number(days ? text.slice(0, -1) : text),
				...where,
			});
			i += text.length;
			continue;
		}
		const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(source.slice(i));
		if (word) {
			tokens.push({ kind: "word", text: word[0], value: word[0], ...where });
			i += word[0].length;
			continue;
		}
		const op = OPS.find((o) => source.startsWith(o, i));
		if (op) {
			tokens.push({ kind: "op", text: op, value: op, ...where });
			i += op.length;
			continue;
		}
		if (c === "(" || c === ")" || c === ",") {
			tokens.push({ kind: c, text: c, value: c, ...where });
			i++;
			continue;
		}
		throw new SegmentSyntaxError(where.line, where.column, "a name, a value or an operator", `'${c}'`);
	}
	tokens.push({ kind: "end", text: "", value: "", ...at() });
	return tokens;
}

const MOMENT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const describe = (t: Token) => (t.kind === "end" ? "the end" : `'${t.text}'`);
const isWord = (t: Token, ...words: string[]) => t.kind === "word" && words.includes(t.text.toLowerCase());

/** Reads a segment's text into its tree; throws SegmentSyntaxError. */
export function parseSegment(source: string): SegmentCondition {
	const tokens = tokenize(source);
	let p = 0;
	const peek = () => tokens[p] as Token;
	const next = () => tokens[p++] as Token;
	const fail = (expected: string): never => {
		const t = peek();
		throw new SegmentSyntaxError(t.line, t.column, expected, describe(t));
	};
	const expect = (kind: TokenKind, expected: string) => (peek().kind === kind ? next() : fail(expected));
	const expectWord = (word: string) => (isWord(peek(), word) ? next() : fail(`'${word}'`));

	const value = (): Scalar => {
		const t = peek();
		if (t.kind === "string" || t.kind === "number") return next().value;
		if (isWord(t, "true", "false")) return next().text.toLowerCase() === "true";
		if (t.kind === "word") return next().text;
		return fail("a value");
	};
	const values = (): Scalar[] => {
		expect("(", "'(' before the list");
		const list = [value()];
		while (peek().kind === ",") {
			next();
			list.push(value());
		}
		expect(")", "',' or ')'");
		return list;
	};
	const test = (): Test => {
		const t = peek();
		if (isWord(t, "exists", "missing")) return { op: next().text.toLowerCase() as "exists" | "missing" };
		if (isWord(t, "in")) {
			next();
			return { op: "in", value: values() };
		}
		if (isWord(t, "not")) {
			next();
			expectWord("in");
			return { op: "not in", value: values() };
		}
		if (t.kind === "op") return { op: next().text as CompareOp, value: value() };
		return fail("an operator (=, !=, <, <=, >, >=, ^=, *=, in, not in, exists, missing)");
	};
	const countOp = (): CountOp => {
		const t = peek();
		if (t.kind === "op" && (COUNT_OPS as readonly string[]).includes(t.text)) return next().text as CountOp;
		return fail("a comparison (=, !=, <, <=, >, >=)");
	};
	const wholeNumber = (): number => {
		const t = peek();
		if (t.kind === "number" && Number.isFinite(t.value)) return next().value as number;
		return fail("a number");
	};
	const eventTest = (): EventTest => {
		const t = peek();
		if (t.kind !== "word" || !EVENT_FIELD_PATTERN.test(t.text))
			return fail("path, name, local_hour, local_weekday or properties.<key>");
		next();
		return { on: t.text as EventField, ...test() } as EventTest;
	};
	const filter = (): EventFilter => {
		const kind = peek();
		if (!isWord(kind, "page", "track", "touch")) return fail("page, track or touch");
		next();
		const f: EventFilter = { type: kind.text.toLowerCase() as EventFilter["type"], where: [] };
		if (f.type !== "page" && peek().kind === "string") f.event = next().value as string;
		if (isWord(peek(), "where")) {
			next();
			f.where.push(eventTest());
			while (isWord(peek(), "and")) {
				next();
				f.where.push(eventTest());
			}
		}
		return f;
	};
	const moment = (): string => {
		const t = peek();
		if (t.kind === "string" && MOMENT.test(t.value as string) && !Number.isNaN(Date.parse(t.value as string)))
			return next().value as string;
		return fail('a date in quotes, such as "2026-01-31" or "2026-01-31T22:00:00Z"');
	};
	const subject = (): Subject => {
		const t = peek();
		if (isWord(t, "trait") && tokens[p + 1]?.kind === "(") {
			next();
			next();
			const name = expect("string", "the trait's name in quotes").value as string;
			expect(")", "')'");
			return { trait: name };
		}
		if (t.kind !== "word") return fail("a field, a trait, count(…), days_since(…), in_segment(…), not or '('");
		next();
		if ((LEAD_FIELDS as readonly string[]).includes(t.text)) return { field: t.text as LeadField };
		return { trait: t.text.startsWith("traits.") ? t.text.slice(7) : t.text };
	};
	const unary = (): SegmentCondition => {
		const t = peek();
		if (isWord(t, "not")) {
			next();
			return { not: unary() };
		}
		if (t.kind === "(") {
			next();
			const inner = or();
			expect(")", "')'");
			return inner;
		}
		if (isWord(t, "count") && tokens[p + 1]?.kind === "(") {
			next();
			next();
			const count = filter();
			const window: { withinDays?: number; from?: string; to?: string } = {};
			if (peek().kind === ",") {
				next();
				if (peek().kind === "days") window.withinDays = next().value as number;
				else {
					if (isWord(peek(), "from")) {
						next();
						window.from = moment();
					}
					if (isWord(peek(), "to")) {
						next();
						window.to = moment();
					}
					if (window.from === undefined && window.to === undefined)
						return fail('a window: days such as 7d, or from "2026-01-01" to "2026-02-01"');
				}
			}
			expect(")", Object.keys(window).length === 0 ? "where, ',' or ')'" : "')'");
			const op = countOp();
			return { count, ...window, op, value: wholeNumber() };
		}
		if (isWord(t, "in_segment") && tokens[p + 1]?.kind === "(") {
			next();
			next();
			const name = expect("string", "the segment's name in quotes").value as string;
			expect(")", "')'");
			return { inSegment: name };
		}
		if (isWord(t, "days_since") && tokens[p + 1]?.kind === "(") {
			next();
			next();
			const since = peek();
			let from: Since | { first: EventFilter } | { last: EventFilter };
			if (isWord(since, "first", "last") && tokens[p + 1]?.kind === "(") {
				const which = next().text.toLowerCase();
				next();
				const f = filter();
				expect(")", "where or ')'");
				from = which === "first" ? { first: f } : { last: f };
			} else if (since.kind === "word" && (SINCE as readonly string[]).includes(since.text)) {
				next();
				from = since.text as Since;
			} else return fail(`${SINCE.join(", ")}, first(…) or last(…)`);
			expect(")", "')'");
			const op = countOp();
			return { daysSince: from, op, value: wholeNumber() };
		}
		return { ...subject(), ...test() } as SegmentCondition;
	};
	const and = (): SegmentCondition => {
		const parts = [unary()];
		while (isWord(peek(), "and")) {
			next();
			parts.push(unary());
		}
		return parts.length === 1 ? (parts[0] as SegmentCondition) : { all: parts };
	};
	const or = (): SegmentCondition => {
		const parts = [and()];
		while (isWord(peek(), "or")) {
			next();
			parts.push(and());
		}
		return parts.length === 1 ? (parts[0] as SegmentCondition) : { any: parts };
	};
	const tree = or();
	if (peek().kind !== "end") fail("and, or, or the end");
	return tree;
}

const KEYWORDS = new Set([
	"and",
	"or",
	"not",
	"in",
	"exists",
	"missing",
	"true",
	"false",
	"count",
	"days_since",
	"in_segment",
	"trait",
]);
const printValue = (v: Scalar) => (typeof v === "string" ? JSON.stringify(v) : String(v));
function printTest(t: Test): string {
	if (t.op === "exists" || t.op === "missing") return t.op;
	if (t.op === "in" || t.op === "not in") return `${t.op} (${t.value.map(printValue).join(", ")})`;
	return `${t.op} ${printValue(t.value as Scalar)}`;
}
const printSubject = (s: Subject) =>
	s.field !== undefined
		? s.field
		: /^[A-Za-z_][A-Za-z0-9_]*$/.test(s.trait) &&
				!KEYWORDS.has(s.trait.toLowerCase()) &&
				!(LEAD_FIELDS as readonly string[]).includes(s.trait)
			? s.trait
			: `trait(${JSON.stringify(s.trait)})`;

function printFilter(f: EventFilter): string {
	const what = `${f.type}${f.event !== undefined ? ` ${JSON.stringify(f.event)}` : ""}`;
	return `${what}${f.where.length > 0 ? ` where ${f.where.map((t) => `${t.on} ${printTest(t)}`).join(" and ")}` : ""}`;
}

/** Writes a tree as text that reads back as the same tree. */
export function printSegment(c: SegmentCondition): string {
	const inner = (child: SegmentCondition) =>
		"all" in child || "any" in child ? `(${printSegment(child)})` : printSegment(child);
	if ("all" in c) return c.all.map(inner).join(" and ");
	if ("any" in c) return c.any.map(inner).join(" or ");
	if ("not" in c) return `not ${inner(c.not)}`;
	if ("count" in c) {
		const bounds = [
			...(c.from !== undefined ? [`from ${JSON.stringify(c.from)}`] : []),
			...(c.to !== undefined ? [`to ${JSON.stringify(c.to)}`] : []),
		];
		const window = c.withinDays !== undefined ? `, ${c.withinDays}d` : bounds.length > 0 ? `, ${bounds.join(" ")}` : "";
		return `count(${printFilter(c.count)}${window}) ${c.op} ${c.value}`;
	}
	if ("daysSince" in c) {
		const d = c.daysSince;
		const from =
			typeof d === "string" ? d : "first" in d ? `first(${printFilter(d.first)})` : `last(${printFilter(d.last)})`;
		return `days_since(${from}) ${c.op} ${c.value}`;
	}
	if ("inSegment" in c) return `in_segment(${JSON.stringify(c.inSegment)})`;
	return `${printSubject(c)} ${printTest(c as Test)}`;
}
