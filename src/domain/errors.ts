/** Codes a client can act on; the HTTP layer maps each to a status in one place. */
export type ErrorCode =
	| "validation_failed"
	| "not_found"
	| "unauthorized"
	| "forbidden"
	| "conflict"
	| "rate_limited"
	| "payload_too_large"
	| "unsupported_media_type"
	| "schema_too_new"
	| "data_dir_locked";

export interface FieldProblem {
	field: string;
	message: string;
	index?: number;
}

export class AppError extends Error {
	constructor(
		readonly code: ErrorCode,
		message: string,
		readonly problems: FieldProblem[] = [],
		/** rate_limited: when to try again */
		readonly retryAfterSeconds?: number,
	) {
		super(message);
		this.name = "AppError";
	}
}

/** The SQLSTATE (or Node) code of an error, if it has one: errors are matched on codes, not classes. */
export function errorCode(error: unknown): string | undefined {
	if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
	return typeof error.code === "string" ? error.code : undefined;
}
