import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { checkImport } from "../src/app/import/check-import.js";

// A copy of ../shared/datasets/olist-funnel (CC BY-NC-SA 4.0, see its README), so a clean clone has it.
const OLIST = "test/fixtures/olist-funnel";

describe("checking a CSV before it is imported (dry run)", () => {
	it("reads the real Olist files: day-first dates, blank origins, ranges and spreadsheet damage", async () => {
		const leads = await checkImport(createReadStream(`${OLIST}/olist_marketing_qualified_leads_dataset.csv`), "leads");
		expect(leads).toMatchObject({ rows: 8000, accepted: 8000, rejected: 0, mappingProblems: [] });
		expect(leads.columns.find((c) => c.header === "first_contact_date")?.type).toEqual({ date: "day-first" });
		// blank origins are blanks, not problems
		expect(leads.columns.find((c) => c.header === "origin")).toMatchObject({ role: { field: "source" }, type: "text" });
		const deals = await checkImport(createReadStream(`${OLIST}/olist_closed_deals_dataset.csv`), "outcomes");
		expect(deals).toMatchObject({ rows: 842, rejected: 0 });
		expect(deals.columns.find((c) => c.header === "won_date")?.type).toEqual({ date: "day-first" });
		// "5-20", "200+" and the damaged "01-May" and "May-20" stay text
		expect(deals.columns.find((c) => c.header === "average_stock")?.type).toBe("text");
		expect(deals.columns.find((c) => c.header === "declared_monthly_revenue")?.type).toBe("number");
	});

	it("names each turned-away row by its line and column, past the sample, and keeps streaming", async () => {
		const lines = ["id,email,visits,created"];
		for (let i = 1; i <= 3000; i++) lines.push(`L${i},l${i}@x.io,${i % 7},2024-0${(i % 9) + 1}-15`);
		lines[1500] = "L1500,l1500@x.io,many,2024-01-15"; // line 1501 of the file
		lines[2500] = ",,3,2024-01-15"; // nobody
		lines[2900] = "L2900,l2900@x.io,2,15/01/2024"; // not ISO like the rest
		const csv = Readable.from([`${lines.join("\n")}\n`]);
		const seen: number[] = [];
		const check = await checkImport(csv, "leads", { onProgress: (rows) => seen.push(rows) });
		expect(check.rows).toBe(3000);
		expect(check.rejected).toBe(3);
		expect(check.problems).toEqual([
			{ line: 1501, column: "visits", reason: '"many" is not a number' },
			{ line: 2501, column: "id", reason: "says nobody: no id or e-mail" },
			{ line: 2901, column: "created", reason: '"15/01/2024" is not a iso date' },
		]);
		expect(check.columns.map((c) => c.role)).toEqual([
			{ field: "externalId" },
			{ field: "email" },
			{ trait: "visits" },
			{ field: "firstSeenAt" },
		]);
		expect(seen.at(-1)).toBe(3000);
	});

	it("says what a mapping lacks before anything is read as rows", async () => {
		const check = await checkImport(Readable.from(["event,when\nSignup,2024-01-01\n"]), "events", {
			overrides: { event: "skip" },
		});
		expect(check.mappingProblems).toEqual([
			"no column says who the row is: map one to externalId or email",
			"no column names the event: map one to event",
		]);
	});
});
