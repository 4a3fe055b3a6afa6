import { describe, expect, it } from "vitest";
import { guessMapping, mappingProblems, parseMappingOverrides, traitName } from "./column-mapping.js";
import { describeType, guessType, parseDate, readValue } from "./value-types.js";

describe("guessing what a CSV column holds", () => {
	it("reads the Olist data's day-first dates, with and without a time", () => {
		const contact = guessType(["01-02-2018", "20-10-2017", "22-03-2018", ""]);
		expect(contact).toMatchObject({ type: { date: "day-first" }, ambiguous: false, filled: 3 });
		expect(parseDate("20-10-2017", "day-first")?.toISOString()).toBe("2017-10-20T00:00:00.000Z");
		const won = guessType(["26-02-2018 19:58", "08-05-2018 20:17", "05-06-2018 17:27"]);
		expect(won.type).toEqual({ date: "day-first" });
		expect(readValue("26-02-2018 19:58", won.type)).toEqual({ value: new Date("2018-02-26T19:58:00Z") });
	});

	it("tells month-first from day-first when a part is over 12, and says when it cannot", () => {
		expect(guessType(["02/26/2018", "12/01/2018"]).type).toEqual({ date: "month-first" });
		const unsure = guessType(["01/02/2018", "03/04/2018"]);
		expect(unsure).toMatchObject({ type: { date: "day-first" }, ambiguous: true });
		expect(describeType(unsure)).toMatch(/could be the other way round/);
		expect(guessType(["2018-02-26", "2018-02-27T10:00:00Z"]).type).toEqual({ date: "iso" });
		expect(guessType(["43157", "43158.5"], "created_date").type).toEqual({ date: "excel-serial" });
		expect(guessType(["43157", "43158.5"], "revenue").type).toBe("number");
		expect(parseDate("43157", "excel-serial")?.toISOString().slice(0, 10)).toBe("2018-02-26");
		expect(parseDate("31-02-2018", "day-first")).toBeNull(); // no 31 February
	});

	it("keeps ranges and spreadsheet damage as text, not dates or numbers (Olist's average_stock)", () => {
		const stock = guessType(["5-20", "20-50", "May-20", "01-May", "200+", "50-200", ""]);
		expect(stock.type).toBe("text");
		expect(guessType(["0", "1", "0"]).type).toBe("number");
		expect(guessType(["TRUE", "FALSE", "", "TRUE"]).type).toBe("flag");
		expect(guessType(["1,234.5", "12", "-3"]).type).toBe("number");
		expect(readValue("1,234.5", "number")).toEqual({ value: 1234.5 });
		expect(readValue("12,5", "number")).toEqual({ value: 12.5 });
		expect(readValue("abc", "number")).toEqual({ problem: '"abc" is not a number' });
		expect(readValue("01-May", { date: "day-first" })).toEqual({ problem: '"01-May" is not a day-first date' });
	});

	it("lets a few damaged cells keep a column's type, and names them", () => {
		const sample = [...Array.from({ length: 99 }, (_, i) => String(i)), "n/a"];
		const guess = guessType(sample);
		expect(guess.type).toBe("number");
		expect(guess.misfits).toEqual(["n/a"]);
	});
});

describe("guessing which field each column is", () => {
	const olistLeads = ["mql_id", "first_contact_date", "landing_page_id", "origin"];
	const olistDeals = [
		"mql_id",
		"seller_id",
		"sdr_id",
		"sr_id",
		"won_date",
		"business_segment",
		"declared_monthly_revenue",
	];

	it("maps the Olist files' headers, and keeps the rest as traits", () => {
		expect(guessMapping("leads", olistLeads)).toEqual({
			mql_id: { field: "externalId" },
			first_contact_date: { field: "firstSeenAt" },
			landing_page_id: { field: "landingPage" },
			origin: { field: "source" },
		});
		const deals = guessMapping("outcomes", olistDeals);
		expect(deals).toMatchObject({
			mql_id: { field: "externalId" },
			won_date: { field: "at" },
			sr_id: { field: "owner" },
			// known only once the deal closed: kept out unless asked for
			business_segment: "skip",
			declared_monthly_revenue: "skip",
		});
		expect(mappingProblems("outcomes", deals)).toEqual([]);
	});

	it("prefers a saved mapping and the person's changes, and says what is missing", () => {
		const saved = parseMappingOverrides("origin=trait:channel, landing_page_id=skip");
		const mapping = guessMapping("leads", olistLeads, saved);
		expect(mapping.origin).toEqual({ trait: "channel" });
		expect(mapping.landing_page_id).toBe("skip");
		expect(mappingProblems("leads", { a: { trait: "a" } })).toEqual([
			"no column says who the row is: map one to externalId or email",
		]);
		expect(() => parseMappingOverrides("origin")).toThrow(/not header=field/);
		expect(traitName("Time on site (s)", 0)).toBe("timeOnSiteS");
		expect(traitName("", 3)).toBe("column4");
	});
});
