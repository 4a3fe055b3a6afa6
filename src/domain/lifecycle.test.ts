import { describe, expect, it } from "vitest";
import { ACTORS, checkMove, movesFor } from "./lifecycle.js";
import { STAGES, type Stage } from "./stages.js";

// Every move a person or automation may make without being an admin, spelled out: the test
// compares the table with this, for every stage × stage × actor.
const EXPECTED = `
subscriber -> lead: automation marketing
subscriber -> mql: automation marketing
subscriber -> disqualified: marketing (reason)
lead -> mql: automation marketing
lead -> disqualified: marketing (reason)
recycled -> lead: marketing
recycled -> mql: automation marketing
recycled -> disqualified: marketing (reason)
mql -> sql: sales
mql -> recycled: sales (rejection)
mql -> disqualified: sales (rejection)
mql -> lead: marketing (reason)
sql -> opportunity: automation sales
sql -> recycled: sales (rejection)
sql -> disqualified: sales (rejection)
opportunity -> customer: automation sales
opportunity -> recycled: sales (rejection)
opportunity -> disqualified: sales (rejection)
disqualified -> lead: marketing (reason)
`;

function expectedAllowed(): Set<string> {
	const allowed = new Set<string>();
	for (const line of EXPECTED.trim().split("\n")) {
		const match = /^(\w+) -> (\w+): ([\w ]+?)(?: \((\w+)\))?$/.exec(line);
		if (!match) throw new Error(`bad line ${line}`);
		const [, from, to, actors] = match;
		for (const actor of (actors ?? "").split(" ")) allowed.add(`${from}>${to}>${actor}`);
	}
	return allowed;
}

const RANK: Record<Stage, number> = {
	subscriber: 0,
	lead: 1,
	recycled: 1,
	disqualified: 1,
	mql: 2,
	sql: 3,
	opportunity: 4,
	customer: 5,
};

describe("the lifecycle transition table", () => {
	const allowed = expectedAllowed();

	it("allows exactly the listed moves, for every stage × stage × actor", () => {
		const mismatches: string[] = [];
		for (const from of STAGES)
			for (const to of STAGES)
				for (const actor of ACTORS) {
					if (actor === "admin") continue;
					const verdict = checkMove({ from, to, actor, reason: "because", rejection: "bad_fit" });
					const expected = allowed.has(`${from}>${to}>${actor}`);
					if (verdict.allowed !== expected) mismatches.push(`${from} -> ${to} by ${actor}: ${verdict.allowed}`);
				}
		expect(mismatches).toEqual([]);
	});

	it("asks for what each move needs, naming the field", () => {
		for (const line of EXPECTED.trim().split("\n")) {
			const [, from, to, actors, need] = /^(\w+) -> (\w+): ([\w ]+?)(?: \((\w+)\))?$/.exec(line) ?? [];
			const actor = (actors ?? "").split(" ").find((a) => a !== "automation") ?? "automation";
			const bare = checkMove({ from: from as Stage, to: to as Stage, actor: actor as "sales" });
			if (need) expect(bare).toMatchObject({ allowed: false, problems: [{ field: need }] });
			else expect(bare.allowed).toBe(true);
		}
	});

	it("lets an admin correct any stage, with a reason", () => {
		for (const from of STAGES)
			for (const to of STAGES) {
				if (from === to) continue;
				expect(checkMove({ from, to, actor: "admin", reason: "fixing an import", rejection: "other" }).allowed).toBe(
					true,
				);
				const bare = checkMove({ from, to, actor: "admin" });
				if (!bare.allowed) expect(bare.problems[0]?.field).toMatch(/reason|rejection/);
			}
	});

	it("never lets automation move a lead back, nor touch a lead at sql or beyond except forward", () => {
		for (const from of STAGES)
			for (const to of STAGES) {
				const verdict = checkMove({ from, to, actor: "automation", reason: "x", rejection: "other" });
				if (!verdict.allowed) continue;
				expect(RANK[to]).toBeGreaterThan(RANK[from]);
				expect(["recycled", "disqualified"]).not.toContain(to);
			}
	});

	it("refuses a move to the same stage", () => {
		for (const stage of STAGES)
			for (const actor of ACTORS) expect(checkMove({ from: stage, to: stage, actor, reason: "x" }).allowed).toBe(false);
	});
});

describe("the moves offered to a person", () => {
	it("are exactly the moves checkMove allows them, each with what it needs", () => {
		for (const from of STAGES)
			for (const actor of ACTORS) {
				const offered = movesFor(from, actor);
				for (const to of STAGES) {
					const move = offered.find((m) => m.to === to);
					const withAll = checkMove({ from, to, actor, reason: "because", rejection: "bad_fit" });
					expect(Boolean(move), `${actor}: ${from} → ${to}`).toBe(withAll.allowed);
					if (!move) continue;
					const bare = checkMove({ from, to, actor });
					expect(bare.allowed, `${actor}: ${from} → ${to} with nothing`).toBe(move.needs.length === 0);
					if (move.needs.includes("reason"))
						expect(checkMove({ from, to, actor, rejection: "bad_fit" }).allowed).toBe(false);
				}
			}
	});
});
