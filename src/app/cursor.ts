import { AppError } from "../domain/errors.js";

/** An opaque keyset position: the sort value and the id of the last row of a page. */
export function encodeCursor(value: string, id: string): string {
	return Buffer.from(JSON.stringify([value, id])).toString("base64url");
}

/** The position a cursor names; a cursor this API did not make is a validation error. */
export function decodeCursor(cursor: string, isId: (id: string) => boolean = () => true): { at: Date; id: string } {
	try {
		const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
		if (Array.isArray(parsed) && typeof parsed[0] === "string" && typeof parsed[1] === "string") {
			const at = new Date(parsed[0]);
			if (!Number.isNaN(at.getTime()) && isId(parsed[1])) return { at, id: parsed[1] };
		}
	} catch {}
	throw new AppError("validation_failed", "cursor is not one this API returned", [
		{ field: "cursor", message: "not a cursor this API returned" },
	]);
}
