/**
 * A segment's condition as text a person writes and reads, both ways:
 *
 *   stage = mql and country in ("DE", "AT") and grade in (A, B)
 *     and count(page where path ^= "/pricing", 7d) >= 3 and days_since(stage_changed) > 14
 *
 * `and` binds tighter than `or`; `not` and parentheses as usual. A bare word on the right is a
 * string (A, mql); names that are not the lead's own fields are traits (`trait("Job title")`
 * for any other spelling). A parse error says where (line and column) and what was expected.
 */
import {
	COUNT_OPS,
	type CompareOp,
	type CountOp,
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
		if (t.kind !== "word" || !/^(path|name|properties\.[A-Za-z0-9_$-]{1,100})$/.test(t.text))
			return fail("path, name or properties.<key>");
		next();
		return { on: t.text as EventField, ...test() } as EventTest;
	};
	const filter = (): EventFilter => {
		const kind = peek();
		if (!isWord(kind, "page", "track")) return fail("page or track");
		next();
		const f: EventFilter = { type: kind.text.toLowerCase() as "page" | "track", where: [] };
		if (f.type === "track" && peek().kind === "string") f.event = next().value as string;
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
	const subject = (): Subject => {
		const t = peek();
		if (isWord(t, "trait") && tokens[p + 1]?.kind === "(") {
			next();
			next();
			const name = expect("string", "the trait's name in quotes").value as string;
			expect(")", "')'");
			return { trait: name };
		}
		if (t.kind !== "word") return fail("a field, a trait, count(…), days_since(…), not or '('");
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
			let withinDays: number | undefined;
			if (peek().kind === ",") {
				next();
				withinDays = expect("days", "a window in days, such as 7d").value as number;
			}
			expect(")", withinDays === undefined ? "where, ',' or ')'" : "')'");
			const op = countOp();
			return { count, ...(withinDays !== undefined ? { withinDays } : {}), op, value: wholeNumber() };
		}
		if (isWord(t, "days_since") && tokens[p + 1]?.kind === "(") {
			next();
			next();
			const since = peek();
			if (since.kind !== "word" || !(SINCE as readonly string[]).includes(since.text)) return fail(SINCE.join(", "));
			next();
			expect(")", "')'");
			const op = countOp();
			return { daysSince: since.text as Since, op, value: wholeNumber() };
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

/** Writes a tree as text that reads back as the same tree. */
export function printSegment(c: SegmentCondition): string {
	const inner = (child: SegmentCondition) =>
		"all" in child || "any" in child ? `(${printSegment(child)})` : printSegment(child);
	if ("all" in c) return c.all.map(inner).join(" and ");
	if ("any" in c) return c.any.map(inner).join(" or ");
	if ("not" in c) return `not ${inner(c.not)}`;
	if ("count" in c) {
		const f = c.count;
		const what = `${f.type}${f.event !== undefined ? ` ${JSON.stringify(f.event)}` : ""}`;
		const where = f.where.length > 0 ? ` where ${f.where.map((t) => `${t.on} ${printTest(t)}`).join(" and ")}` : "";
		const window = c.withinDays !== undefined ? `, ${c.withinDays}d` : "";
		return `count(${what}${where}${window}) ${c.op} ${c.value}`;
	}
	if ("daysSince" in c) return `days_since(${c.daysSince}) ${c.op} ${c.value}`;
	return `${printSubject(c)} ${printTest(c as Test)}`;
}
