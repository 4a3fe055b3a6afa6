import type { Condition, FieldCondition } from "../../schemas/scoring-model.js";
import type { FieldProblem } from "../errors.js";
import { FREE_MAIL_DOMAINS } from "./free-mail.js";
import type { Getter } from "./scorable.js";

export type Predicate<S> = (subject: S) => boolean;

export const MAX_PATTERN_LENGTH = 200;
/** Regular expressions see at most this much of a value, which bounds their running time. */
export const MAX_MATCHED_LENGTH = 1000;

export interface ConditionContext<S> {
	field: (name: string) => Getter<S> | null;
	/** what the field names mean here, for error messages */
	fieldHelp: string;
	lists: ReadonlyMap<string, ReadonlySet<string>>;
	problems: FieldProblem[];
	/** one predicate per distinct condition, shared by the rules that repeat it */
	shared: Map<string, Predicate<S>>;
	/** every field a condition reads */
	fieldsRead: Set<string>;
}

const never = () => false;

/** A string or number as a comparable number; a range such as "51-200" counts by its lower bound. */
export function numberOf(value: unknown): number | null {
	if (typeof value === "number") return Number.isFinite(value) ? value : null;
	if (typeof value !== "string") return null;
	const match = /^\s*(-?\d[\d,]*(?:\.\d+)?)/.exec(value);
	return match?.[1] ? Number(match[1].replaceAll(",", "")) : null;
}

function textOf(value: unknown): string | null {
	if (typeof value === "string") return value;
	if (typeof value === "number" || typeof value === "boolean") return String(value);
	return null;
}

/** The value, its e-mail domain, and that domain's parents: sales.acme.com → acme.com. */
function listKeys(text: string): string[] {
	const lower = text.trim().toLowerCase();
	const keys = [lower];
	let domain = lower.includes("@") ? lower.slice(lower.lastIndexOf("@") + 1) : lower;
	if (domain !== lower) keys.push(domain);
	while (domain.includes(".") && domain.indexOf(".") < domain.lastIndexOf(".")) {
		domain = domain.slice(domain.indexOf(".") + 1);
		keys.push(domain);
	}
	return keys;
}

export function compileCondition<S>(condition: Condition, at: string, context: ConditionContext<S>): Predicate<S> {
	if ("all" in condition) {
		const parts = condition.all.map((c, i) => compileCondition(c, `${at}.all.${i}`, context));
		return (s) => parts.every((p) => p(s));
	}
	if ("any" in condition) {
		const parts = condition.any.map((c, i) => compileCondition(c, `${at}.any.${i}`, context));
		return (s) => parts.some((p) => p(s));
	}
	if ("not" in condition) {
		const inner = compileCondition(condition.not, `${at}.not`, context);
		return (s) => !inner(s);
	}
	const key = JSON.stringify(condition);
	const known = context.shared.get(key);
	if (known) return known;
	const problemsBefore = context.problems.length;
	const test = compileFieldCondition(condition, at, context);
	if (context.problems.length > problemsBefore) return test;
	// Rules often repeat a test (a pricing-page visit feeds four rules): the answer for the
	// subject just seen is kept, so each event runs it once.
	let lastSubject: S | undefined;
	let lastResult = false;
	const remembered = (subject: S) => {
		if (subject !== lastSubject) {
			lastSubject = subject;
			lastResult = test(subject);
		}
		return lastResult;
	};
	context.shared.set(key, remembered);
	return remembered;
}

function compileFieldCondition<S>(c: FieldCondition, at: string, context: ConditionContext<S>): Predicate<S> {
	const problem = (field: string, message: string) => {
		context.problems.push({ field: `${at}.${field}`, message });
		return never;
	};
	const get = context.field(c.field);
	context.fieldsRead.add(c.field);
	if (!get) return problem("field", `"${c.field}" is not a field here; ${context.fieldHelp}`);
	const fold = c.caseSensitive ? (s: string) => s : (s: string) => s.toLowerCase();
	const text = (s: S) => {
		const t = textOf(get(s));
		return t === null ? null : fold(t);
	};
	const needText = () => {
		const t = textOf(c.value);
		return t === null ? null : fold(t);
	};
	const needNumber = () => numberOf(c.value);

	switch (c.op) {
		case "exists":
			return (s) => {
				const v = get(s);
				return v !== undefined && v !== null && v !== "";
			};
		case "missing":
			return (s) => {
				const v = get(s);
				return v === undefined || v === null || v === "";
			};
		case "equals":
		case "notEquals": {
			const want = needText();
			if (want === null) return problem("value", `${c.op} needs a string, number or boolean`);
			const wantNumber = typeof c.value === "number" ? c.value : null;
			const equal = (s: S) => {
				const v = get(s);
				return wantNumber !== null && typeof v === "number" ? v === wantNumber : text(s) === want;
			};
			return c.op === "equals" ? equal : (s) => !equal(s);
		}
		case "in":
		case "notIn": {
			if (!Array.isArray(c.value) || c.value.length === 0 || c.value.some((v) => textOf(v) === null))
				return problem("value", `${c.op} needs a non-empty list of strings or numbers`);
			const set = new Set(c.value.map((v) => fold(textOf(v) ?? "")));
			const inSet = (s: S) => {
				const t = text(s);
				return t !== null && set.has(t);
			};
			return c.op === "in" ? inSet : (s) => !inSet(s);
		}
		case "contains":
		case "startsWith":
		case "endsWith": {
			const want = textOf(c.value);
			if (want === null || want === "") return problem("value", `${c.op} needs a non-empty string`);
			// A compiled pattern compares without lower-casing (and so allocating) each value.
			const escaped = want.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
			const source = c.op === "startsWith" ? `^${escaped}` : c.op === "endsWith" ? `${escaped}$` : escaped;
			const pattern = new RegExp(source, c.caseSensitive ? "" : "i");
			return (s) => {
				const t = textOf(get(s));
				return t !== null && pattern.test(t);
			};
		}
		case "matches": {
			if (typeof c.value !== "string" || c.value === "") return problem("value", "matches needs a regular expression");
			if (c.value.length > MAX_PATTERN_LENGTH)
				return problem(
					"value",
					`the regular expression is ${c.value.length} characters; the limit is ${MAX_PATTERN_LENGTH}`,
				);
			let pattern: RegExp;
			try {
				pattern = new RegExp(c.value, c.caseSensitive ? "" : "i");
			} catch (error) {
				return problem("value", `not a valid regular expression: ${(error as Error).message}`);
			}
			return (s) => {
				const t = textOf(get(s));
				return t !== null && pattern.test(t.length > MAX_MATCHED_LENGTH ? t.slice(0, MAX_MATCHED_LENGTH) : t);
			};
		}
		case "gt":
		case "gte":
		case "lt":
		case "lte": {
			const want = needNumber();
			if (want === null) return problem("value", `${c.op} needs a number`);
			const test =
				c.op === "gt"
					? (n: number) => n > want
					: c.op === "gte"
						? (n: number) => n >= want
						: c.op === "lt"
							? (n: number) => n < want
							: (n: number) => n <= want;
			return (s) => {
				const n = numberOf(get(s));
				return n !== null && test(n);
			};
		}
		case "between": {
			const [min, max] = Array.isArray(c.value) ? c.value.map(numberOf) : [];
			if (!Array.isArray(c.value) || c.value.length !== 2 || min == null || max == null || min > max)
				return problem("value", "between needs [min, max] with min ≤ max (both included)");
			return (s) => {
				const n = numberOf(get(s));
				return n !== null && n >= min && n <= max;
			};
		}
		case "isFreeMail":
		case "inList": {
			const listName = c.op === "isFreeMail" ? "freeMail" : c.value;
			if (typeof listName !== "string") return problem("value", "inList needs the name of one of the model's lists");
			const list = context.lists.get(listName);
			if (!list) return problem("value", `there is no list named "${listName}" in the model's lists`);
			return (s) => {
				const t = textOf(get(s));
				return t !== null && listKeys(t).some((k) => list.has(k));
			};
		}
	}
}

/** The model's lists, lower-cased, with the built-in free-mail domains added to `freeMail`. */
export function listsOf(lists: Record<string, string[]>): Map<string, Set<string>> {
	const sets = new Map<string, Set<string>>();
	for (const [name, values] of Object.entries(lists))
		sets.set(name, new Set(values.map((v) => v.trim().toLowerCase())));
	const freeMail = sets.get("freeMail") ?? new Set<string>();
	for (const domain of FREE_MAIL_DOMAINS) freeMail.add(domain);
	sets.set("freeMail", freeMail);
	return sets;
}
