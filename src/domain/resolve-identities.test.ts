import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { NormalizedEvent } from "./normalize-message.js";
import { resolveIdentities } from "./resolve-identities.js";

const at = new Date("2026-11-01T00:00:00Z");
function event(fields: Partial<NormalizedEvent>): NormalizedEvent {
	return {
		messageId: "m",
		type: "track",
		event: "X",
		name: null,
		anonymousId: null,
		userId: null,
		email: null,
		previousId: null,
		properties: {},
		traits: {},
		context: {},
		deviceClass: null,
		pagePath: null,
		timezone: null,
		timestamp: at,
		sentAt: null,
		receivedAt: at,
		...fields,
	};
}
const ids = () => {
	let n = 0;
	return () => `lead-${++n}`;
};

describe("resolveIdentities", () => {
	it("gives anonymous events and the later identify one lead", () => {
		const plan = resolveIdentities(
			[event({ anonymousId: "a" }), event({ type: "identify", anonymousId: "a", email: "x@y.io" })],
			new Map(),
			new Map(),
			ids(),
		);
		expect(plan.eventLeads).toEqual(["lead-1", "lead-1"]);
		expect(plan.newLeads.get("lead-1")).toEqual({ email: "x@y.io", userId: null });
		expect(plan.merges).toEqual([]);
	});

	it("merges an anonymous lead into the known one it turns out to be", () => {
		const plan = resolveIdentities(
			[event({ type: "identify", anonymousId: "a", userId: "u" })],
			new Map([
				["anonymous:a", "anon-lead"],
				["user:u", "known-lead"],
			]),
			new Map([
				["anon-lead", { email: null, userId: null }],
				["known-lead", { email: "k@y.io", userId: "u" }],
			]),
			ids(),
		);
		expect(plan.merges).toEqual([expect.objectContaining({ survivorId: "known-lead", mergedId: "anon-lead" })]);
		expect(plan.identities).toContainEqual({ kind: "anonymous", value: "a", leadId: "known-lead" });
	});

	it("never leaves an event on a lead that was merged away (property)", () => {
		const idArb = fc.record({
			anonymousId: fc.option(fc.constantFrom("a1", "a2", "a3"), { nil: null }),
			userId: fc.option(fc.constantFrom("u1", "u2"), { nil: null }),
			email: fc.option(fc.constantFrom("e1@x.io", "e2@x.io"), { nil: null }),
		});
		fc.assert(
			fc.property(fc.array(idArb, { minLength: 1, maxLength: 30 }), (rows) => {
				const events = rows
					.filter((r) => r.anonymousId || r.userId || r.email)
					.map((r, i) => event({ ...r, messageId: `m${i}`, type: "identify" }));
				const plan = resolveIdentities(events, new Map(), new Map(), ids());
				const merged = new Set(plan.merges.map((m) => m.mergedId));
				for (const leadId of plan.eventLeads) expect(merged.has(leadId)).toBe(false);
				for (const identity of plan.identities) expect(merged.has(identity.leadId)).toBe(false);
				// one identity, one lead
				const seen = new Map<string, string>();
				for (const i of plan.identities) {
					const key = `${i.kind}:${i.value}`;
					expect(seen.get(key) ?? i.leadId).toBe(i.leadId);
					seen.set(key, i.leadId);
				}
			}),
		);
	});
});
