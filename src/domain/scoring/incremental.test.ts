import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ScoringModelDocument } from "../../schemas/scoring-model.js";
import { compileModel } from "./compile-model.js";
import { DEFAULT_MODEL } from "./default-model.js";
import { evaluateScore } from "./evaluate-score.js";
import type { ScorableEvent, ScorableProfile } from "./scorable.js";
import { DAY_MS, type ScoreState } from "./score-state.js";
import { stateFromEvents } from "./state-from-events.js";

const compiled = compileModel(ScoringModelDocument.parse(DEFAULT_MODEL));
if (!compiled.ok) throw new Error("the default model must compile");
const model = compiled.model;
const START = Date.parse("2026-01-01T00:00:00Z");
const profile: ScorableProfile = {
	email: "a@b.com",
	timezone: null,
	traits: { seniority: "VP" },
	consent: "subscribed",
	stage: "lead",
};

const kinds: Array<Partial<ScorableEvent>> = [
	{ type: "page", pagePath: "/pricing" },
	{ type: "page", pagePath: "/blog/x" },
	{ type: "page", pagePath: "/careers" },
	{ type: "page", pagePath: "/product" },
	{ type: "track", event: "Webinar Attended" },
	{ type: "track", event: "Webinar Registered" },
	{ type: "track", event: "Content Downloaded" },
	{ type: "track", event: "Email Opened" },
	{ type: "track", event: "Trial Started" },
	{ type: "track", event: "Demo Requested" },
	{ type: "identify" },
];

// Events spread over 200 days with gaps; times to the minute so that ties happen.
const eventArb = fc
	.record({ kind: fc.integer({ min: 0, max: kinds.length - 1 }), minute: fc.integer({ min: 0, max: 200 * 1440 }) })
	.map(
		({ kind, minute }): Omit<ScorableEvent, "messageId"> => ({
			type: "page",
			event: null,
			name: null,
			properties: {},
			context: {},
			deviceClass: "desktop",
			pagePath: null,
			timestamp: START + minute * 60_000,
			timezone: "America/New_York",
			...kinds[kind],
		}),
	);

const streamArb = fc
	.array(eventArb, { minLength: 1, maxLength: 60 })
	.map((events) => events.map((e, i) => ({ ...e, messageId: `m${i}` })))
	.chain((events) =>
		fc.record({
			events: fc.constant(events),
			// a delivery order with duplicates (retries), cut into batches
			delivery: fc.array(fc.integer({ min: 0, max: events.length - 1 }), {
				minLength: events.length,
				maxLength: events.length * 2,
			}),
			order: fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
			batch: fc.integer({ min: 1, max: 10 }),
			readDays: fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 4 }),
		}),
	);

describe("incremental scoring equals full recomputation", () => {
	it("for random streams with duplicates, reordering, gaps and decay", () => {
		fc.assert(
			fc.property(streamArb, ({ events, delivery, order, batch, readDays }) => {
				const arrivals = [...order, ...delivery.map((i) => events[i] as ScorableEvent)];
				// incremental: batch by batch, the state stored as JSON between batches as the database does
				let stored = JSON.stringify({ hits: {}, signals: {}, days: [] });
				for (let i = 0; i < arrivals.length; i += batch) {
					const state = JSON.parse(stored) as ScoreState;
					for (const event of arrivals.slice(i, i + batch)) model.applyEvent(state, event);
					stored = JSON.stringify(state);
				}
				const incremental = JSON.parse(stored) as ScoreState;
				const full = stateFromEvents(
					model,
					[...events].sort((a, b) => a.timestamp - b.timestamp),
				);
				for (const day of readDays) {
					const at = START + day * DAY_MS;
					const a = evaluateScore(model, incremental, profile, at);
					const b = evaluateScore(model, full, profile, at);
					expect(Math.abs(a.engagement - b.engagement)).toBeLessThanOrEqual(1e-9);
					expect(a.fit).toBe(b.fit);
					expect(a.temperature).toBe(b.temperature);
					expect(a.qualification).toEqual(b.qualification);
				}
			}),
			{ numRuns: 300 },
		);
	});
});
