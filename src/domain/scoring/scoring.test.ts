import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ScoringModelDocument, type ScoringModelInput } from "../../schemas/scoring-model.js";
import { type CompiledModel, compileModel } from "./compile-model.js";
import { DEFAULT_MODEL } from "./default-model.js";
import { evaluateScore, scoreMoments, scoreOnly } from "./evaluate-score.js";
import type { ScorableEvent, ScorableProfile } from "./scorable.js";
import { DAY_MS } from "./score-state.js";
import { stateFromEvents } from "./state-from-events.js";

const NOW = Date.parse("2026-06-15T12:00:00Z");
const DAY = DAY_MS;

function compiled(input: ScoringModelInput): CompiledModel {
	const result = compileModel(ScoringModelDocument.parse(input));
	if (!result.ok) throw new Error(JSON.stringify(result.problems));
	return result.model;
}

let seq = 0;
function track(event: string, daysAgo: number, properties: Record<string, unknown> = {}): ScorableEvent {
	return page(null, daysAgo, { event, type: "track", properties });
}
function page(path: string | null, daysAgo: number, extra: Partial<ScorableEvent> = {}): ScorableEvent {
	seq++;
	return {
		messageId: `m-${String(seq).padStart(6, "0")}`,
		type: "page",
		event: null,
		name: path,
		properties: {},
		context: {},
		deviceClass: "desktop",
		pagePath: path,
		timestamp: NOW - daysAgo * DAY,
		timezone: "Europe/Berlin",
		...extra,
	};
}

const director: ScorableProfile = {
	email: "ana@northwind.com",
	timezone: "Europe/Berlin",
	traits: {
		title: "Director of Demand Generation",
		seniority: "Director",
		industry: "Software",
		companySize: "201-1000",
		country: "Germany",
	},
	consent: "subscribed",
	stage: "lead",
};
const student: ScorableProfile = {
	email: "sam@gmail.com",
	timezone: null,
	traits: { title: "MBA Student", seniority: "Student", industry: "Education", companySize: "1-10" },
	consent: "subscribed",
	stage: "lead",
};

const model = compiled(DEFAULT_MODEL);
const round = (n: number) => Math.round(n * 1000) / 1000;

describe("default model scenarios (fixed clock)", () => {
	const scenarios: Array<{
		name: string;
		profile: ScorableProfile;
		events: ScorableEvent[];
		fit: number;
		engagement: number;
		grade: string;
		temperature: string;
		qualified: boolean;
	}> = [
		{
			name: "a director with no activity",
			profile: director,
			events: [],
			fit: 15 + 10 + 10 + 10 + 5,
			engagement: 0,
			grade: "A",
			temperature: "cold",
			qualified: false,
		},
		{
			name: "a director who asked for a demo today qualifies at once",
			profile: director,
			events: [track("Demo Requested", 0)],
			fit: 50,
			engagement: 40,
			grade: "A",
			temperature: "warm",
			qualified: true,
		},
		{
			name: "pricing once a day counts once a day, and three in a week adds the pattern",
			profile: director,
			events: [page("/pricing", 0), page("/pricing", 0), page("/pricing", 0), page("/pricing", 0)],
			fit: 50,
			engagement: 10 + 15 + 6 * 0,
			grade: "A",
			temperature: "warm",
			qualified: true,
		},
		{
			name: "a pricing visit 14 days ago is worth half, and one 100 days ago is out of the window",
			profile: director,
			events: [page("/pricing", 14), page("/pricing", 100)],
			fit: 50,
			engagement: 5,
			grade: "A",
			temperature: "cold",
			qualified: false,
		},
		{
			name: "a student who asked for a demo is blocked",
			profile: student,
			events: [track("Demo Requested", 1)],
			fit: -10 - 10 - 15,
			engagement: round(40 * 2 ** (-1 / 60)),
			grade: "D",
			temperature: "warm",
			qualified: false,
		},
		{
			name: "a webinar then pricing within two weeks completes the sequence",
			profile: director,
			events: [track("Webinar Attended", 10), page("/pricing", 3)],
			fit: 50,
			engagement: round(12 * 2 ** (-10 / 30) + 10 * 2 ** (-3 / 14) + 15 * 2 ** (-3 / 30)),
			grade: "A",
			temperature: "warm",
			qualified: true,
		},
		{
			name: "pricing before the webinar does not complete it",
			profile: director,
			events: [page("/pricing", 10), track("Webinar Attended", 3)],
			fit: 50,
			engagement: round(10 * 2 ** (-10 / 14) + 12 * 2 ** (-3 / 30)),
			grade: "A",
			temperature: "cold",
			qualified: false,
		},
		{
			name: "a month of silence costs ten points",
			profile: director,
			events: [track("Trial Started", 40)],
			fit: 50,
			engagement: round(25 * 2 ** (-40 / 30) - 10),
			grade: "A",
			temperature: "cold",
			qualified: false,
		},
		{
			name: "a careers visit counts against, once",
			profile: director,
			events: [page("/careers", 2), page("/careers", 1)],
			fit: 50,
			engagement: -10,
			grade: "A",
			temperature: "cold",
			qualified: false,
		},
	];

	for (const s of scenarios) {
		it(s.name, () => {
			const score = evaluateScore(model, stateFromEvents(model, s.events), s.profile, NOW);
			expect({
				fit: round(score.fit),
				engagement: round(score.engagement),
				grade: score.grade,
				temperature: score.temperature,
				qualified: score.qualification.qualified,
			}).toEqual({
				fit: s.fit,
				engagement: round(s.engagement),
				grade: s.grade,
				temperature: s.temperature,
				qualified: s.qualified,
			});
		});
	}

	it("explains each rule with its points then and now and the events behind it", () => {
		const events = [page("/pricing", 14), track("Demo Requested", 0)];
		const score = evaluateScore(model, stateFromEvents(model, events), director, NOW);
		const pricing = score.engagementRules.find((r) => r.id === "pricing-visit");
		expect(pricing?.points).toBe(10);
		expect(pricing?.pointsNow).toBeCloseTo(5, 9);
		expect(pricing?.events.map((e) => e.messageId)).toEqual([events[0]?.messageId]);
		expect(score.fitRules.map((r) => r.id)).toEqual([
			"director",
			"ops-role",
			"target-industry",
			"company-size",
			"key-market",
		]);
		expect(score.qualification).toMatchObject({ qualified: true, by: "hand-raiser" });
	});

	it("scores as of a past moment: later events do not count yet", () => {
		const events = [page("/pricing", 10), track("Demo Requested", 2)];
		const state = stateFromEvents(model, events);
		const before = evaluateScore(model, state, director, NOW - 5 * DAY);
		expect(before.engagement).toBeCloseTo(10 * 2 ** (-5 / 14), 9);
		expect(before.qualification.qualified).toBe(false);
		expect(evaluateScore(model, state, director, NOW).qualification.by).toBe("hand-raiser");
	});

	it("reads local time in the event's own zone", () => {
		const late = compiled({
			...DEFAULT_MODEL,
			engagement: [
				{
					kind: "event",
					id: "night-owl",
					reason: "reads at 2 a.m.",
					when: { type: "page", where: { field: "localHour", op: "equals", value: 2 } },
					points: 7,
				},
			],
		});
		// 01:00 UTC in June is 03:00 in Berlin and 02:00 in London
		const at = Date.parse("2026-06-10T01:00:00Z");
		const berlin = page("/blog/x", 0, { timestamp: at, timezone: "Europe/Berlin" });
		const london = page("/blog/x", 0, { timestamp: at, timezone: "Europe/London" });
		expect(evaluateScore(late, stateFromEvents(late, [berlin]), director, NOW).engagement).toBe(0);
		expect(evaluateScore(late, stateFromEvents(late, [london]), director, NOW).engagement).toBe(7);
	});
});

describe("model validation", () => {
	it("points at the rule and field of each mistake", () => {
		const result = compileModel(
			ScoringModelDocument.parse({
				...DEFAULT_MODEL,
				fit: [
					{ id: "a", reason: "x", if: { field: "title", op: "matches", value: "(unclosed" }, points: 1 },
					{ id: "a", reason: "x", if: { field: "industry", op: "inList", value: "nope" }, points: 1 },
				],
				engagement: [
					{
						kind: "event",
						id: "b",
						reason: "x",
						when: { type: "page", where: { field: "colour", op: "exists" } },
						points: 1,
					},
					{
						kind: "event",
						id: "c",
						reason: "x",
						when: { type: "page", where: { field: "path", op: "between", value: [5, 1] } },
						points: 1,
					},
				],
				bands: { grade: { A: 10, B: 20, C: 5 }, temperature: { hot: 50, warm: 20 } },
			}),
		);
		expect(result.ok).toBe(false);
		const fields = result.ok ? [] : result.problems.map((p) => p.field);
		expect(fields).toEqual([
			"fit.0.if.value",
			"fit.1.id",
			"fit.1.if.value",
			"engagement.0.when.where.field",
			"engagement.1.when.where.value",
			"bands.grade",
		]);
	});
});

describe("the predictive score in a model", () => {
	const gated = compiled({
		...DEFAULT_MODEL,
		fit: [
			{
				id: "likely",
				reason: "the predictive score rates it",
				if: { field: "predictedChance", op: "gte", value: 0.4 },
				points: 25,
			},
		],
		engagement: [],
		handRaisers: [],
		disqualifiers: [
			{ id: "hopeless", reason: "almost no chance", if: { field: "predictedChance", op: "lt", value: 0.01 } },
		],
		qualification: { fitAtLeast: 0, engagementAtLeast: 0, chanceAtLeast: 0.3 },
	});
	const score = (predictedChance: number | null) =>
		evaluateScore(gated, stateFromEvents(gated, [], null, null), { ...director, predictedChance }, NOW);

	it("reads the chance in fit rules, disqualifiers and the qualification's gate", () => {
		expect(gated.readsPrediction).toBe(true);
		expect(compiled(DEFAULT_MODEL).readsPrediction).toBe(false);
		expect(score(0.5)).toMatchObject({ fit: 25, qualification: { qualified: true, by: "threshold" } });
		expect(score(0.2)).toMatchObject({ fit: 0, qualification: { qualified: false, by: null } });
		expect(score(0.2).qualification.reason).toMatch(/predicted chance 20% < 30%/);
		expect(score(0.005).qualification).toMatchObject({ qualified: false, disqualifiedBy: [{ id: "hopeless" }] });
	});

	it("judges a lead the model has not predicted yet by the rest alone", () => {
		expect(score(null)).toMatchObject({ fit: 0, qualification: { qualified: true } });
		expect(score(null).qualification.disqualifiedBy).toEqual([]);
	});
});

describe("a lead's score at several moments", () => {
	it("is what scoreOnly gives at each, and stops at the first qualifying one when asked", () => {
		const model = compiled(DEFAULT_MODEL);
		const history = [page("/pricing", 9), track("Webinar Attended", 7), page("/pricing", 6), track("Trial Started", 3)];
		const times = history.map((e) => e.timestamp);
		for (const profile of [director, student]) {
			const state = stateFromEvents(model, history, profile.timezone, null);
			const moments = scoreMoments(model, state, profile, times);
			expect(moments).toEqual(
				times.map((at) => {
					const s = scoreOnly(model, state, profile, at);
					return {
						at,
						fit: s.fit,
						engagement: s.engagement,
						qualified: s.qualification.qualified,
						handRaised: s.qualification.by === "hand-raiser",
					};
				}),
			);
			const first = moments.findIndex((m) => m.qualified);
			expect(scoreMoments(model, state, profile, times, true)).toEqual(
				first < 0 ? moments : moments.slice(0, first + 1),
			);
		}
	});

	it("agrees with scoreOnly at every moment of any history under the default model", () => {
		const model = compiled(DEFAULT_MODEL);
		const kinds = [
			(d: number) => page("/pricing", d),
			(d: number) => page("/blog/post", d),
			(d: number) => page("/careers", d),
			(d: number) => track("Webinar Registered", d),
			(d: number) => track("Webinar Attended", d),
			(d: number) => track("Content Downloaded", d),
			(d: number) => track("Email Opened", d),
			(d: number) => track("Trial Started", d),
		];
		fc.assert(
			fc.property(
				fc.array(fc.tuple(fc.integer({ min: 0, max: kinds.length - 1 }), fc.integer({ min: 0, max: 60 })), {
					maxLength: 25,
				}),
				(picks) => {
					const history = picks
						.map(([k, days]) => (kinds[k] as (d: number) => ScorableEvent)(days))
						.sort((a, b) => a.timestamp - b.timestamp);
					const times = [...new Set(history.map((e) => e.timestamp))];
					const state = stateFromEvents(model, history, director.timezone, null);
					const moments = scoreMoments(model, state, director, times);
					times.forEach((at, i) => {
						const s = scoreOnly(model, state, director, at);
						expect(moments[i]?.engagement).toBeCloseTo(s.engagement, 9);
						expect(moments[i]?.qualified).toBe(s.qualification.qualified);
					});
				},
			),
			{ numRuns: 200 },
		);
	});
});
