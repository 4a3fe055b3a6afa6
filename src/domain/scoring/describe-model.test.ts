import { describe, expect, it } from "vitest";
import { ScoringModelDocument } from "../../schemas/scoring-model.js";
import { DEFAULT_MODEL } from "./default-model.js";
import { describeModel } from "./describe-model.js";

describe("the model in plain sentences", () => {
	const sentences = describeModel(ScoringModelDocument.parse(DEFAULT_MODEL));
	const text = (id: string) => sentences.find((s) => s.id === id)?.text;

	it("reads each kind of rule as a sentence with its reason", () => {
		expect(text("executive")).toBe('+20 when seniority is one of "C-level", "VP" — C-level and VPs sign the contract.');
		expect(text("pricing-visit")).toBe(
			'+10 for a page visit where path starts with "/pricing", at most once a day, halving every 14 days, counting the last 90 days — pricing pages are read by people who are comparing costs.',
		);
		expect(text("pricing-repeat")).toMatch(
			/^\+15 when 3 or more of a page visit where path starts with "\/pricing" happen within 7 days, at most once a week/,
		);
		expect(text("webinar-then-pricing")).toMatch(
			/^\+15 when Webinar Attended, then a page visit where path starts with "\/pricing" happen in that order within 14 days, once ever/,
		);
		expect(text("silent-30-days")).toBe(
			"−10 after 30 days without activity — a month without activity: the interest has cooled.",
		);
		expect(text("free-mail")).toMatch(/^−15 when email is a personal mailbox \(free-mail\)/);
		expect(text("asked-for-demo")).toMatch(/^Qualifies at once on Demo Requested or Contact Sales Requested/);
		expect(text("student")).toMatch(
			/^Never qualifies when seniority is "Student" or title matches \/\\b\(student\|intern\)\\b\//,
		);
		expect(text("qualification")).toBe(
			"A lead qualifies when grade A is at least warm; grade B is at least hot; grade C never; grade D never.",
		);
	});

	it("has one sentence per rule, band set and qualification", () => {
		const d = ScoringModelDocument.parse(DEFAULT_MODEL);
		expect(sentences).toHaveLength(
			d.fit.length + d.engagement.length + d.handRaisers.length + d.disqualifiers.length + 2,
		);
	});
});
