import { describe, expect, it } from "vitest";
import { compileRouting, pickOwner, slaDueAt } from "./handoff.js";

const berlin = { days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00", timezone: "Europe/Berlin" };
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe("first-touch SLA in business time", () => {
	const cases: Array<[string, string, number, string]> = [
		["inside hours", "2026-11-18T10:00:00Z", 60, "2026-11-18T11:00:00.000Z"], // Wed 11:00 Berlin → 12:00
		["near closing carries over to the next morning", "2026-11-18T15:45:00Z", 60, "2026-11-19T08:45:00.000Z"],
		["before opening starts at opening", "2026-11-18T05:00:00Z", 30, "2026-11-18T08:30:00.000Z"],
		["Friday evening waits for Monday", "2026-11-20T17:30:00Z", 60, "2026-11-23T09:00:00.000Z"],
		["a weekend MQL waits for Monday", "2026-11-22T12:00:00Z", 120, "2026-11-23T10:00:00.000Z"],
		["two days of business time", "2026-11-18T08:00:00Z", 16 * 60, "2026-11-19T16:00:00.000Z"],
		["across the DST change (Berlin moves to CET on 25 Oct)", "2026-10-23T15:30:00Z", 60, "2026-10-26T09:00:00.000Z"],
	];
	for (const [name, start, minutes, due] of cases) {
		it(name, () => {
			expect(iso(slaDueAt(at(start), minutes, berlin))).toBe(due);
		});
	}
});

describe("round-robin", () => {
	const owner = (id: string, last: number | null, extra: Partial<Parameters<typeof pickOwner>[0][0]> = {}) => ({
		id,
		active: true,
		away: false,
		open: 0,
		maxOpen: 5,
		lastAssignedAt: last,
		...extra,
	});
	it("takes whoever waited longest, skipping the away, the inactive and the full", () => {
		expect(pickOwner([owner("a", 3), owner("b", 1), owner("c", 2)])?.id).toBe("b");
		expect(pickOwner([owner("a", 3), owner("b", 1, { away: true }), owner("c", 2)])?.id).toBe("c");
		expect(pickOwner([owner("a", 3), owner("b", 1, { open: 5 }), owner("c", 2, { active: false })])?.id).toBe("a");
		expect(pickOwner([owner("a", null), owner("b", 1)])?.id).toBe("a");
		expect(pickOwner([owner("a", 1, { away: true })])).toBeNull();
	});
});

describe("routing rules", () => {
	it("sends a lead to the first rule it meets", () => {
		const { router, problems } = compileRouting([
			{
				id: "1",
				name: "named",
				condition: { field: "emailDomain", op: "in", value: ["bigco.com"] },
				teamId: "ent",
				ownerId: "o1",
			},
			{
				id: "2",
				name: "dach",
				condition: { field: "country", op: "in", value: ["Germany", "Austria"] },
				teamId: "dach",
				ownerId: null,
			},
			{ id: "3", name: "rest", condition: { field: "email", op: "exists" }, teamId: "global", ownerId: null },
		]);
		expect(problems).toEqual([]);
		const lead = (email: string, country: string) => ({
			email,
			timezone: null,
			traits: { country },
			consent: "subscribed",
			stage: "mql",
		});
		expect(router(lead("a@bigco.com", "Germany"))?.name).toBe("named");
		expect(router(lead("a@x.de", "germany"))?.name).toBe("dach");
		expect(router(lead("a@x.fr", "France"))?.name).toBe("rest");
	});
});
