/**
 * Engine throughput on the default model, one core: Qualify's compiled model against
 * json-rules-engine evaluating the same event tests on the same demo events, same run.
 *
 *   npm run bench:engine        (BENCH_EVENTS, default 500,000; BENCH_JRE_EVENTS, default 20,000)
 */
import { performance } from "node:perf_hooks";
import { compileModel } from "../src/domain/scoring/compile-model.js";
import { DEFAULT_MODEL } from "../src/domain/scoring/default-model.js";
import { scoreOnly } from "../src/domain/scoring/evaluate-score.js";
import { eventField, type ScorableEvent } from "../src/domain/scoring/scorable.js";
import { emptyState, type ScoreState } from "../src/domain/scoring/score-state.js";
import { ScoringModelDocument } from "../src/schemas/scoring-model.js";
import { BENCH_NOW, demoScorableEvents } from "./demo-events.js";
import { jsonRulesEngineOf } from "./jre-rules.js";

const TOTAL = Number(process.env.BENCH_EVENTS ?? 500_000);
const JRE_TOTAL = Number(process.env.BENCH_JRE_EVENTS ?? 20_000);

const document = ScoringModelDocument.parse(DEFAULT_MODEL);
const compiled = compileModel(document);
if (!compiled.ok) throw new Error("the default model must compile");
const model = compiled.model;
const localHour = eventField("localHour");
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);

/** Qualify: every event into its lead's state; then, timed apart, every lead's score once. */
function runQualify(events: readonly ScorableEvent[], leadOf: readonly number[]): { applyMs: number; scoreMs: number } {
	const states = new Map<number, ScoreState>();
	const started = performance.now();
	for (let i = 0; i < events.length; i++) {
		const lead = leadOf[i] as number;
		let state = states.get(lead);
		if (!state) {
			state = emptyState();
			states.set(lead, state);
		}
		model.applyEvent(state, events[i] as ScorableEvent);
	}
	const applied = performance.now();
	const profile = { email: null, timezone: null, traits: {}, consent: "subscribed", stage: "lead" };
	for (const state of states.values()) scoreOnly(model, state, profile, BENCH_NOW.getTime());
	return { applyMs: applied - started, scoreMs: performance.now() - applied };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

function factsOf(e: ScorableEvent) {
	return {
		event: e.event?.toLowerCase() ?? null,
		type: e.type,
		path: (e.pagePath ?? "").toLowerCase(),
		localHour: localHour?.(e),
	};
}

/** Which targets each engine says an event feeds, to check they evaluate the same rules. */
function qualifyTargets(e: ScorableEvent): string[] {
	const state = emptyState();
	model.applyEvent(state, e);
	return [...Object.keys(state.hits), ...Object.keys(state.signals)].sort();
}

async function main() {
	const { events, leadOf } = demoScorableEvents(TOTAL);
	console.log(`engine bench: ${events.length.toLocaleString("en")} demo events, default model, one core`);
	for (let i = 0; i < 2; i++) runQualify(events, leadOf); // warm-up
	const runs = Array.from({ length: 5 }, () => runQualify(events, leadOf));
	const applyRate = rate(events.length, median(runs.map((r) => r.applyMs)));
	const endToEndRate = rate(events.length, median(runs.map((r) => r.applyMs + r.scoreMs)));

	const engine = jsonRulesEngineOf(document);
	const sample = events.slice(0, JRE_TOTAL);
	let disagreements = 0;
	let matches = 0;
	for (const e of sample.slice(0, 2000)) {
		const result = await engine.run(factsOf(e));
		const fired = result.events.map((x) => x.type).sort();
		const ours = qualifyTargets(e);
		matches += ours.length;
		if (fired.join() !== ours.join()) disagreements++;
	}
	const started = performance.now();
	for (const e of sample) await engine.run(factsOf(e));
	const jreRate = rate(sample.length, performance.now() - started);

	const times = (r: number) => `${(r / jreRate).toFixed(0)}×`;
	console.log(
		[
			`agreement check: ${matches} rule matches on 2,000 events, ${disagreements} events where the engines differ`,
			`json-rules-engine 7.3.1 : ${jreRate.toLocaleString("en")} events/s (the event tests only)`,
			`Qualify, events applied : ${applyRate.toLocaleString("en")} events/s (tests, caps, pattern signals) = ${times(applyRate)}`,
			`Qualify, and each score : ${endToEndRate.toLocaleString("en")} events/s (plus every lead's score once) = ${times(endToEndRate)}`,
			"goals: ≥ 100× json-rules-engine and ≥ 1,000,000 events/s (Qualify: medians of 5 runs)",
		].join("\n"),
	);
	if (disagreements > 0) process.exitCode = 1;
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
