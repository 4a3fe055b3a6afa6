import type { FieldProblem } from "./errors.js";

/** Deepest nesting accepted inside one message (the message itself is level 1). */
export const MAX_DEPTH = 32;

export type Cleaned = { value: unknown; warnings: FieldProblem[] } | { problem: FieldProblem };

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
 * `MAX_DEPTH` is refused with the path where it went too deep. Objects are rebuilt with
 * own properties only, so keys such as `__proto__` stay ordinary data.
 */
export function cleanMessage(input: unknown, maxDepth = MAX_DEPTH): Cleaned {
	const warnings: FieldProblem[] = [];
	const walk = (value: unknown, path: string, depth: number): unknown => {
		if (typeof value === "string") {
			const cleaned = cleanString(value);
			if (cleaned === null) return value;
			warnings.push({ field: path, message: "contained NUL or unpaired surrogate characters; replaced with U+FFFD" });
			return cleaned;
		}
		if (typeof value !== "object" || value === null) return value;
		if (depth > maxDepth) throw new TooDeep(path);
		if (Array.isArray(value)) return value.map((item, i) => walk(item, join(path, String(i)), depth + 1));
		const entries: [string, unknown][] = [];
		for (const [key, item] of Object.entries(value)) {
			const cleanedKey = cleanString(key);
			if (cleanedKey !== null)
				warnings.push({ field: join(path, cleanedKey), message: "the key contained NUL or unpaired surrogates" });
			const name = cleanedKey ?? key;
			entries.push([name, walk(item, join(path, name), depth + 1)]);
		}
		return Object.fromEntries(entries);
	};
	try {
		return { value: walk(input, "", 1), warnings };
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
