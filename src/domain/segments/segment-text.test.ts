import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { segmentArbitrary } from "../../../test/support/segment-arbitrary.js";
import { type SegmentCondition, SegmentCondition as SegmentSchema } from "../../schemas/segments.js";
import { parseSegment, printSegment, SegmentSyntaxError } from "./segment-text.js";

describe("a segment's text", () => {
	it("reads the issue's example into its tree", () => {
		const tree = parseSegment(
			'stage = mql and country in ("DE", "AT") and grade in (A, B)\n  and count(page where path ^= "/pricing", 7d) >= 3 and days_since(stage_changed) > 14',
		);
		expect(tree).toEqual({
			all: [
				{ field: "stage", op: "=", value: "mql" },
				{ trait: "country", op: "in", value: ["DE", "AT"] },
				{ field: "grade", op: "in", value: ["A", "B"] },
				{
					count: { type: "page", where: [{ on: "path", op: "^=", value: "/pricing" }] },
					withinDays: 7,
					op: ">=",
					value: 3,
				},
				{ daysSince: "stage_changed", op: ">", value: 14 },
			],
		});
		expect(SegmentSchema.safeParse(tree).success).toBe(true);
		expect(printSegment(tree)).toBe(
			'stage = "mql" and country in ("DE", "AT") and grade in ("A", "B") and count(page where path ^= "/pricing", 7d) >= 3 and days_since(stage_changed) > 14',
		);
	});

	it("binds and tighter than or, and reads not, parentheses, traits by any name and events with properties", () => {
		expect(parseSegment('a = 1 or b = 2 and not (c exists or trait("Job title") *= "VP")')).toEqual({
			any: [
				{ trait: "a", op: "=", value: 1 },
				{
					all: [
						{ trait: "b", op: "=", value: 2 },
						{
							not: {
								any: [
									{ trait: "c", op: "exists" },
									{ trait: "Job title", op: "*=", value: "VP" },
								],
							},
						},
					],
				},
			],
		});
		expect(parseSegment('count(track "Webinar Attended" where properties.minutes >= 30) > 0 and vip = true')).toEqual({
			all: [
				{
					count: {
						type: "track",
						event: "Webinar Attended",
						where: [{ on: "properties.minutes", op: ">=", value: 30 }],
					},
					op: ">",
					value: 0,
				},
				{ trait: "vip", op: "=", value: true },
			],
		});
	});

	it("says where a mistake is, by line and column, and what was expected", () => {
		const error = (text: string) => {
			try {
				parseSegment(text);
			} catch (e) {
				if (e instanceof SegmentSyntaxError) return e.message;
				throw e;
			}
			throw new Error(`no error for ${text}`);
		};
		expect(error("stage = ")).toBe("line 1, column 9: expected a value, found the end");
		expect(error('stage = mql and\n  country in "DE"')).toBe(
			"line 2, column 14: expected '(' before the list, found '\"DE\"'",
		);
		expect(error("count(page, 7) > 1")).toBe(
			'line 1, column 13: expected a window: days such as 7d, or from "2026-01-01" to "2026-02-01", found \'7\'',
		);
		expect(error('count(page, from "2026-02-30x") > 1')).toBe(
			'line 1, column 18: expected a date in quotes, such as "2026-01-31" or "2026-01-31T22:00:00Z", found \'"2026-02-30x"\'',
		);
		expect(error("in_segment(Partners)")).toBe(
			"line 1, column 12: expected the segment's name in quotes, found 'Partners'",
		);
		expect(error("days_since(birthday) > 3")).toBe(
			"line 1, column 12: expected stage_changed, first_seen, last_seen, first(…) or last(…), found 'birthday'",
		);
		expect(error("stage = mql )")).toBe("line 1, column 13: expected and, or, or the end, found ')'");
		expect(error('name = "open')).toBe('line 1, column 8: expected a closing ", found the end');
		expect(error("stage ~ mql")).toBe("line 1, column 7: expected a name, a value or an operator, found '~'");
	});

	it("writes any tree as text that reads back as the same tree", () => {
		fc.assert(
			fc.property(segmentArbitrary({ anyText: true }), (tree: SegmentCondition) => {
				const text = printSegment(tree);
				expect(parseSegment(text)).toEqual(tree);
				expect(SegmentSchema.safeParse(tree).success).toBe(true);
			}),
			{ numRuns: 500 },
		);
	});
});
