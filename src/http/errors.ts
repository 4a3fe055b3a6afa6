import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AppError, type ErrorCode, type FieldProblem } from "../domain/errors.js";
import { fieldProblems, type Issue } from "../domain/field-problems.js";

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
	validation_failed: 400,
	unauthorized: 401,
	forbidden: 403,
	not_found: 404,
	conflict: 409,
	rate_limited: 429,
	payload_too_large: 413,
	unsupported_media_type: 415,
	schema_too_new: 500,
	data_dir_locked: 500,
};

export function errorBody(code: ErrorCode, message: string, problems: FieldProblem[] = []) {
	return { error: { code, message, ...(problems.length > 0 ? { problems } : {}) } };
}

/** The one place where errors become HTTP responses; anything unexpected is a logged 500. */
export function respondToError(error: unknown, c: Context, log: (error: unknown) => void) {
	if (error instanceof AppError) {
		// Bearer, not Basic: a browser answers a Basic challenge with a password dialog, which
		// would hang the web app's own requests; Segment's libraries do not read the header.
		if (error.code === "unauthorized") c.header("WWW-Authenticate", 'Bearer realm="Qualify"');
		if (error.retryAfterSeconds !== undefined) c.header("Retry-After", String(error.retryAfterSeconds));
		return c.json(errorBody(error.code, error.message, error.problems), STATUS[error.code]);
	}
	log(error);
	return c.json({ error: { code: "internal", message: "Something went wrong on our side; it has been logged." } }, 500);
}

/** zod issues as field problems: `traits.email: Invalid email`. */
export function problemsOf(issues: readonly Issue[]): FieldProblem[] {
	return fieldProblems(issues).map((p) => (p.field === "document" ? { ...p, field: "body" } : p));
}
