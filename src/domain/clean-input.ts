import type { FieldProblem } from "./errors.js";

/** Deepest nesting accepted inside one message (the message itself is level 1). */
export const MAX_DEPTH = 32;

export type Cleaned = { value: unknown; warnings: FieldProblem[]; size: number } | { problem: FieldProblem };

// NUL cannot be stored in PostgreSQL text or jsonb; a lone surrogate is not Unicode.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what this finds
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function cleanString(text: string): string | null {
	UNSTORABLE.lastIndex = 0;
	if (!UNSTORABLE.test(text)) return null;
	return text.replace(UNSTORABLE, "\ufffd");
}

/**
 * Makes a parsed JSON message storable: NUL characters and lone surrogates in strings and
 * keys become U+FFFD (each place reported as a warning), and nesting deeper than
 * `MAX_DEPTH` is refused with the path where it went too deep. Copy on write: a clean message
 * comes back as it was, and `size` is about its length as JSON (a lower bound, in characters).
 * Keys such as `__proto__` stay ordinary own data, as JSON.parse made them.
 */
export function cleanMessage(input: unknown, maxDepth = MAX_DEPTH): Cleaned {
	const warnings: FieldProblem[] = [];
	let size = 0;
	const walk = (value: unknown, path: () => string, depth: number): unknown => {
		if (typeof value === "string") {
			size += value.length + 3;
			const cleaned = cleanString(value);
			if (cleaned === null) return value;
			warnings.push({ field: path(), message: "contained NUL or unpaired surrogate characters; replaced with U+FFFD" });
			return cleaned;
		}
		size += 5;
		if (typeof value !== "object" || value === null) return value;
		if (depth > maxDepth) throw new TooDeep(path());
		if (Array.isArray(value)) {
			let copy: unknown[] | null = null;
			for (let i = 0; i < value.length; i++) {
				const item = walk(value[i], () => join(path(), String(i)), depth + 1);
				if (item === value[i]) continue;
				copy ??= [...value];
				copy[i] = item;
			}
			return copy ?? value;
		}
		let changed = false;
		const entries: [string, unknown][] = [];
		for (const key in value) {
			if (!Object.hasOwn(value, key)) continue;
			size += key.length + 3;
			const original = (value as Record<string, unknown>)[key];
			const cleanedKey = cleanString(key);
			if (cleanedKey !== null)
				warnings.push({ field: join(path(), cleanedKey), message: "the key contained NUL or unpaired surrogates" });
			const name = cleanedKey ?? key;
			const item = walk(original, () => join(path(), name), depth + 1);
			changed ||= cleanedKey !== null || item !== original;
			entries.push([name, item]);
		}
		return changed ? Object.fromEntries(entries) : value;
	};
	try {
		return { value: walk(input, () => "", 1), warnings, size };
	} catch (error) {
		if (!(error instanceof TooDeep)) throw error;
		return { problem: { field: error.path, message: `nested deeper than ${maxDepth} levels` } };
	}
}

class TooDeep extends Error {
	constructor(readonly path: string) {
		super("too deep");
	}
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Top-level `null`s mean "absent", as Segment's libraries send them (`"userId": null`). */
export function withoutNulls(message: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(Object.entries(message).filter(([, value]) => value !== null));
}
