import { AppError } from "../domain/errors.js";

/** An opaque keyset position: the sort value (a time or a number) and the id of the last row of a page. */
export function encodeCursor(value: string | number, id: string): string {
	return Buffer.from(JSON.stringify([value, id])).toString("base64url");
}

const notOurs = () =>
	new AppError("validation_failed", "cursor is not one this API returned", [
		{ field: "cursor", message: "not a cursor this API returned" },
	]);

function parseCursor(cursor: string): [unknown, string] {
	try {
		const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
		if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === "string") return [parsed[0], parsed[1]];
	} catch {}
	throw notOurs();
}

/** The position a time cursor names; a cursor this API did not make is a validation error. */
export function decodeCursor(cursor: string, isId: (id: string) => boolean = () => true): { at: Date; id: string } {
	const [value, id] = parseCursor(cursor);
	const at = typeof value === "string" ? new Date(value) : new Date(Number.NaN);
	if (Number.isNaN(at.getTime()) || !isId(id)) throw notOurs();
	return { at, id };
}

/** The position a numeric cursor names (a score). */
export function decodeNumberCursor(cursor: string, isId: (id: string) => boolean): { value: number; id: string } {
	const [value, id] = parseCursor(cursor);
	if (typeof value !== "number" || !Number.isFinite(value) || !isId(id)) throw notOurs();
	return { value, id };
}
