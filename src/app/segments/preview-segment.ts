import { sql } from "kysely";
import { AppError } from "../../domain/errors.js";
import { fieldProblems } from "../../domain/field-problems.js";
import { parseSegment, printSegment, SegmentSyntaxError } from "../../domain/segments/segment-text.js";
import { SegmentCondition, type SegmentPreview } from "../../schemas/segments.js";
import type { Db } from "../../storage/database.js";
import { countSegment, segmentFrom, segmentWhere } from "./segment-sql.js";

/** A segment's tree from its text or its tree, or a clear error naming where it is wrong. */
export function segmentOf(input: { text?: string; condition?: unknown }): SegmentCondition {
	if (input.text !== undefined) {
		try {
			return parseSegment(input.text);
		} catch (error) {
			if (error instanceof SegmentSyntaxError)
				throw new AppError("validation_failed", "The segment's text has a mistake.", [
					{ field: "text", message: error.message },
				]);
			throw error;
		}
	}
	const parsed = SegmentCondition.safeParse(input.condition);
	if (!parsed.success)
		throw new AppError(
			"validation_failed",
			"The segment's condition has problems.",
			fieldProblems(parsed.error.issues, ["condition"]),
		);
	return parsed.data;
}

/** How many live leads a segment holds now, with a few of them: what the builder shows as one types. */
export async function previewSegment(
	db: Db,
	input: { text?: string; condition?: unknown; sample: number },
	now: Date,
): Promise<SegmentPreview> {
	const condition = segmentOf(input);
	const [count, sample] = await Promise.all([
		countSegment(db, condition, now),
		sql<{ id: string; email: string | null; stage: string }>`select l.id, l.email, l.stage from ${segmentFrom}
			where l.merged_into is null and ${segmentWhere(condition, now)}
			order by l.last_seen_at desc, l.id limit ${input.sample}`.execute(db),
	]);
	return { text: printSegment(condition), condition, count, sample: sample.rows };
}
