import vm from "node:vm";
import type { FieldProblem } from "../domain/errors.js";
import { MAX_MATCHED_LENGTH } from "../domain/scoring/conditions.js";

const TIME_LIMIT_MS = 200;
/**
 * The limit is wall-clock time, which a busy machine stretches; a pattern is refused only if
 * every attempt runs over. Backtracking that matters grows exponentially (or as a high power)
 * with the 1,000 characters it may see, so it runs over every time; a sound pattern takes
 * well under a millisecond.
 */
const ATTEMPTS = 3;

/** Strings that make backtracking patterns blow up: long runs of one character, then one that fails. */
function hostileInputs(pattern: string): string[] {
	const characters = new Set(["a", "0", " ", "-", ".", "@", "_", "x"]);
	for (const c of pattern.replace(/\\./g, "")) if (/[\w .@-]/.test(c)) characters.add(c.toLowerCase());
	const inputs: string[] = [];
	for (const c of characters) {
		inputs.push(`${c.repeat(MAX_MATCHED_LENGTH - 1)}\u0000`);
		inputs.push(`${`${c}${c === "a" ? "b" : "a"}`.repeat(MAX_MATCHED_LENGTH / 2 - 1)}\u0000`);
	}
	return inputs;
}

/**
 * Each regular expression a model uses must finish within 200 ms on hostile inputs of the
 * longest length it will ever see. Checked at save time, where a slow pattern can be refused.
 */
export function regexTimeProblems(document: unknown): FieldProblem[] {
	const problems: FieldProblem[] = [];
	const visit = (node: unknown, path: string) => {
		if (Array.isArray(node)) {
			node.forEach((child, i) => {
				visit(child, `${path}.${i}`);
			});
		} else if (typeof node === "object" && node !== null) {
			const record = node as Record<string, unknown>;
			if (record.op === "matches" && typeof record.value === "string") {
				const problem = slowness(record.value, record.caseSensitive === true);
				if (problem) problems.push({ field: `${path.slice(1)}.value`, message: problem });
			}
			for (const [key, child] of Object.entries(record)) visit(child, `${path}.${key}`);
		}
	};
	visit(document, "");
	return problems;
}

function slowness(pattern: string, caseSensitive: boolean): string | null {
	let regex: RegExp;
	try {
		regex = new RegExp(pattern, caseSensitive ? "" : "i");
	} catch {
		return null; // the compiler reports invalid patterns
	}
	const context = vm.createContext({ regex, inputs: hostileInputs(pattern) });
	const script = new vm.Script("for (const s of inputs) regex.test(s)");
	for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
		try {
			script.runInContext(context, { timeout: TIME_LIMIT_MS });
			return null;
		} catch {
			// over the limit: a slow pattern, or a busy machine; try again
		}
	}
	return `this regular expression takes more than ${TIME_LIMIT_MS} ms on some inputs (catastrophic backtracking); simplify it`;
}
