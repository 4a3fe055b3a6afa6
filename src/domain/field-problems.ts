import type { FieldProblem } from "./errors.js";

/** A validation issue as zod reports it: enough of it to explain the problem by field. */
export interface Issue {
	code?: string;
	path: readonly PropertyKey[];
	message: string;
	values?: readonly unknown[];
	errors?: readonly (readonly Issue[])[];
}

/** A union branch that turned the value away whole (wrong type, or keys it does not have) was not meant for it. */
const rejectsWhole = (branch: readonly Issue[]) =>
	branch.some((i) => i.path.length === 0 && (i.code === "unrecognized_keys" || i.code === "invalid_type"));

/**
 * Each problem named by its field, in words a person can act on. A value that matches no branch
 * of a union is explained by the branch it was meant for (the one with the fewest problems that
 * did not reject it whole), not as "Invalid input"; a value outside a list names the list.
 */
export function fieldProblems(issues: readonly Issue[], base: readonly PropertyKey[] = []): FieldProblem[] {
	return issues.flatMap((issue) => {
		const path = [...base, ...issue.path];
		if (issue.code === "invalid_union" && issue.errors && issue.errors.length > 0) {
			const meant = issue.errors.filter((b) => !rejectsWhole(b));
			const candidates = meant.length > 0 ? meant : issue.errors;
			const best = candidates.reduce((a, b) => (b.length < a.length ? b : a));
			return fieldProblems(best, path);
		}
		const message =
			issue.code === "invalid_value" && issue.values && issue.values.length > 1
				? `must be one of: ${issue.values.map(String).join(", ")}`
				: issue.message;
		return [{ field: path.map(String).join(".") || "document", message }];
	});
}
