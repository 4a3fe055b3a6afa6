/**
 * How long does training the predictive score take, and does our learner earn its place? Builds
 * the demo funnel's leads (BENCH_LEADS, default 100,000) as the predictive score sees them — their
 * traits, and what they did up to a cut-off 30 days before the demo's end — straight from the
 * generator (loading 100,000 leads through ingest first would take minutes and measure ingest),
 * labelled by whether they became an opportunity after it. Then, in the same run, times and cross-validates:
 *   - the plain logistic regression (the baseline every figure is a ratio of),
 *   - our gradient-boosted trees,
 *   - ml.js's random forest (ml-random-forest), the well-kept library it was measured against
 *     (on BENCH_FOREST_LEADS, default 20,000 of the leads: it is much slower).
 *
 *   npm run bench:predict
 */
import { RandomForestClassifier } from "ml-random-forest";
import { demoFunnel } from "../src/domain/demo-funnel.js";
import { auc, crossValidated } from "../src/domain/predict/evaluate.js";
import { columnsFor, type LeadFacts, rowOf } from "../src/domain/predict/features.js";
import { type Predictor, type Rows, trainBoosted, trainLogistic } from "../src/domain/predict/learners.js";
import type { ScorableEvent } from "../src/domain/scoring/scorable.js";

const LEADS = Number(process.env.BENCH_LEADS ?? 100_000);
const FOREST_LEADS = Math.min(LEADS, Number(process.env.BENCH_FOREST_LEADS ?? 20_000));
const now = new Date("2026-11-30T00:00:00Z");
const cutoff = now.getTime() - 30 * 86_400_000;

let started = performance.now();
const facts: LeadFacts[] = [];
const labels: number[] = [];
for (const lead of demoFunnel({ leads: LEADS, seed: 5, now })) {
	const traits: Record<string, unknown> = {};
	const history: ScorableEvent[] = [];
	for (const m of lead.messages) {
		const at = Date.parse(String(m.timestamp));
		if (m.type === "identify") Object.assign(traits, m.traits);
		const context = (m.context ?? {}) as { page?: { path?: string } };
		history.push({
			messageId: String(m.messageId),
			type: String(m.type),
			event: typeof m.event === "string" ? m.event : null,
			name: typeof m.name === "string" ? m.name : null,
			properties: {},
			context: {},
			deviceClass: null,
			pagePath: context.page?.path ?? null,
			timestamp: at,
			timezone: null,
		});
	}
	history.sort((a, b) => a.timestamp - b.timestamp);
	const firstSeenAt = history[0]?.timestamp ?? cutoff;
	// as the store labels a lead: it became an opportunity (the CRM's event) after the cut-off
	const opportunityAt = history.find((e) => e.event === "Opportunity Created")?.timestamp ?? null;
	if (firstSeenAt >= cutoff || (opportunityAt !== null && opportunityAt <= cutoff)) continue;
	facts.push({ traits, history, firstSeenAt });
	labels.push(opportunityAt === null ? 0 : 1);
}
const columns = columnsFor(facts);
const rows = facts.map((f) => rowOf(f, columns, cutoff));
const prepareMs = performance.now() - started;
const converted = labels.reduce((a, b) => a + b, 0);
console.log(
	`${rows.length.toLocaleString("en-US")} leads known before the cut-off (${converted.toLocaleString("en-US")} converted), ${columns.length} columns, built in ${(prepareMs / 1000).toFixed(1)} s`,
);

function forest(train: Rows, trainLabels: readonly number[]): Predictor {
	const model = new RandomForestClassifier({
		nEstimators: 50,
		maxFeatures: 0.3,
		seed: 3,
		noOOB: true,
		treeOptions: { maxDepth: 8, minNumSamples: 10 },
	});
	model.train(
		train.map((r) => Array.from(r)),
		[...trainLabels],
	);
	return { predict: (row) => model.predictProbability([Array.from(row)], 1)[0] ?? 0 };
}

const timed = <T>(run: () => T): [T, number] => {
	const t = performance.now();
	const value = run();
	return [value, performance.now() - t];
};

const results: Array<{ learner: string; leads: number; fitMs: number; auc: number | null }> = [];
for (const [learner, train, n] of [
	["logistic regression (baseline)", (r: Rows, l: readonly number[]) => trainLogistic(r, l), rows.length],
	["boosted trees (ours)", (r: Rows, l: readonly number[]) => trainBoosted(r, l), rows.length],
	["boosted trees (ours), forest's sample", (r: Rows, l: readonly number[]) => trainBoosted(r, l), FOREST_LEADS],
	["logistic regression, forest's sample", (r: Rows, l: readonly number[]) => trainLogistic(r, l), FOREST_LEADS],
	["random forest (ml-random-forest)", forest, FOREST_LEADS],
] as const) {
	const sample = rows.slice(0, n);
	const sampleLabels = labels.slice(0, n);
	started = performance.now();
	const [, fitMs] = timed(() => train(sample, sampleLabels));
	const predictions = crossValidated(sample, sampleLabels, train);
	results.push({ learner, leads: n, fitMs, auc: auc(predictions, sampleLabels) });
	console.log(`${learner}: fit ${(fitMs / 1000).toFixed(1)} s, 5-fold AUC ${results.at(-1)?.auc?.toFixed(3)}`);
}

const baseline = results[0]?.fitMs ?? 1;
console.log("\n| learner | leads | one fit, s | ÷ logistic fit | cross-validated AUC |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const r of results)
	console.log(
		`| ${r.learner} | ${r.leads.toLocaleString("en-US")} | ${(r.fitMs / 1000).toFixed(1)} | ${(r.fitMs / baseline).toFixed(2)} | ${r.auc?.toFixed(3) ?? "—"} |`,
	);
