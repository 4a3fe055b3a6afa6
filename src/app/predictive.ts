import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { AppError } from "../domain/errors.js";
import { auc, calibration, crossValidated, leakyColumns, singleColumnAuc } from "../domain/predict/evaluate.js";
import { type Column, columnsFor, type LeadFacts, rowOf } from "../domain/predict/features.js";
import {
	type BoostedParameters,
	type LogisticParameters,
	trainBoosted,
	trainLogistic,
} from "../domain/predict/learners.js";
import { pointsForRatio, type Suggestion } from "../domain/scoring/suggest-rules.js";
import type { Db } from "../storage/database.js";
import { activeModel } from "./active-model.js";
import { FEATURE_FIELDS, type FittedModel, predictorOf, predictReplayed } from "./predict-leads.js";
import { replayAll } from "./replay.js";

export interface ModelCard {
	cutoff: string;
	/** leads first seen before the cut-off and not yet SQL at it */
	leads: number;
	/** of them, those that reached SQL after it */
	converted: number;
	columns: number;
	/** cross-validated (5 folds) AUC of each learner on the same columns */
	auc: { logistic: number | null; boosted: number | null };
	chosen: "logistic" | "boosted";
	calibration: Array<{ leads: number; predicted: number; observed: number }>;
	/** what the chosen learner leans on most */
	drivers: Array<{ column: string; weight: number }>;
	/** columns that give the outcome away on their own, kept out of training */
	leaky: Array<{ column: string; auc: number }>;
	/** rule points the fitted regression suggests for trait values and events (10 a doubling of the odds) */
	suggestedRules: Suggestion[];
	elapsedMs: number;
}

/**
 * Rules a person could write from the fitted regression: for a trait value (present or not) or
 * an event (each time it happens, as a rule without a cap counts it), the odds ratio of one
 * more is e^(weight ÷ scale), worth 10 points a doubling. Counts and numbers are left to the model.
 */
function suggestedRules(columns: readonly Column[], fitted: LogisticParameters): Suggestion[] {
	return columns
		.flatMap((column, j): Suggestion[] => {
			if (column.kind !== "category" && column.kind !== "event") return [];
			const ratio = Math.exp((fitted.weights[j] as number) / (fitted.scales[j] as number));
			const points = pointsForRatio(ratio);
			if (points === 0) return [];
			return [
				{
					kind: column.kind === "category" ? "trait" : "event",
					key: column.kind === "category" ? column.name : column.key,
					points,
					reason: `the predictive score's regression: odds × ${ratio.toFixed(2)} ${column.kind === "event" ? "each time" : "when it holds"}`,
				},
			];
		})
		.sort((a, b) => Math.abs(b.points) - Math.abs(a.points));
}

/**
 * Trains the predictive score on history: the leads known before `cutoff`, described as of it
 * (traits, and what they did up to it), labelled by whether they reached SQL after it. Both
 * learners are cross-validated on the same columns; the better one is chosen and reported with
 * its calibration and drivers. Columns that predict the outcome almost perfectly on their own
 * (AUC 0.95 or more) are flagged and left out, as are traits named in `afterOutcome`.
 */
export async function trainPredictive(db: Db, options: TrainOptions): Promise<ModelCard> {
	return (await fitModel(db, options)).card;
}

interface TrainOptions {
	cutoff: Date;
	afterOutcome?: readonly string[];
	onProgress?: (leads: number) => void;
}

/** Trains as `trainPredictive` says, and keeps the fitted model with its card. */
async function fitModel(db: Db, options: TrainOptions): Promise<{ card: ModelCard; fitted: FittedModel }> {
	const started = performance.now();
	const model = await activeModel(db);
	if (!model) throw new AppError("not_found", "No model is published.");
	const cutoff = options.cutoff.getTime();
	const found: Array<{ key: string; facts: LeadFacts; label: number }> = [];
	await replayAll<{ first_seen_at: Date; sql_at: Date | null }>(db, model.model, {
		asOf: cutoff,
		eventsUpTo: options.cutoff,
		eventFields: FEATURE_FIELDS,
		historiesOnly: true,
		chunkSize: 1000,
		where: sql<boolean>`l.first_seen_at < ${options.cutoff}`,
		extra: {
			columns: sql`l.first_seen_at, f.sql_at`,
			join: sql`left join lateral (select min(c.at) as sql_at from stage_changes c
				where c.lead_id = l.id and c.to_stage in ('sql', 'opportunity', 'customer')) f on true`,
		},
		onRange: (_trx, leads) => {
			for (const lead of leads) {
				const sqlAt = lead.row.sql_at ? new Date(lead.row.sql_at).getTime() : null;
				if (sqlAt !== null && sqlAt <= cutoff) continue; // converted already: nothing left to predict
				const firstSeenAt = new Date(lead.row.first_seen_at).getTime();
				found.push({
					key: `${String(firstSeenAt).padStart(16, "0")} ${lead.row.email ?? lead.row.id}`,
					facts: { traits: lead.profile.traits, history: lead.history, firstSeenAt },
					label: sqlAt === null ? 0 : 1,
				});
			}
			options.onProgress?.(found.length);
		},
	});
	// the same leads give the same folds and fit whatever their ids (replay goes in id order)
	found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
	const facts = found.map((f) => f.facts);
	const labels = found.map((f) => f.label);
	const converted = labels.reduce((a, b) => a + b, 0);
	if (converted < 10 || facts.length - converted < 10)
		throw new AppError(
			"conflict",
			`Too few outcomes to learn from: ${converted} of ${facts.length} leads known before the cut-off reached SQL after it.`,
		);
	let columns: Column[] = columnsFor(facts, new Set(options.afterOutcome ?? []));
	let rows = facts.map((f) => rowOf(f, columns, cutoff));
	const names = columns.map((c) => c.name);
	const flagged = leakyColumns(rows, labels, names);
	// a trait one of whose values gives the outcome away was set after it: all its values go
	const leakyTraits = new Set(
		flagged.flatMap((l) => {
			const column = columns[names.indexOf(l.column)];
			return column && column.kind !== "event" && column.kind !== "activity" ? [column.trait] : [];
		}),
	);
	const leaky = columns.flatMap((c, j) => {
		const own = flagged.find((l) => l.column === c.name);
		if (own) return [own];
		if (!("trait" in c) || !leakyTraits.has(c.trait)) return [];
		return [{ column: c.name, auc: singleColumnAuc(rows, labels, j) }];
	});
	if (leaky.length > 0) {
		const out = new Set(leaky.map((l) => l.column));
		const keep = columns.map((c, j) => (out.has(c.name) ? -1 : j)).filter((j) => j >= 0);
		columns = keep.map((j) => columns[j] as Column);
		rows = rows.map((r) => keep.map((j) => r[j] as number));
	}
	const logistic = crossValidated(rows, labels, (r, l) => trainLogistic(r, l));
	const boosted = crossValidated(rows, labels, (r, l) => trainBoosted(r, l));
	const aucs = { logistic: auc(logistic, labels), boosted: auc(boosted, labels) };
	const chosen = (aucs.boosted ?? 0) > (aucs.logistic ?? 0) ? "boosted" : "logistic";
	let drivers: ModelCard["drivers"];
	let parameters: BoostedParameters | LogisticParameters;
	// rule points from the plain regression, whichever learner scores: its weights read as rules do
	const plain = trainLogistic(rows, labels);
	const suggested = suggestedRules(columns, plain);
	if (chosen === "boosted") {
		const fitted = trainBoosted(rows, labels);
		const total = fitted.importance.reduce((a, b) => a + b, 0) || 1;
		drivers = fitted.importance.map((n, j) => ({ column: columns[j]?.name ?? "", weight: n / total }));
		parameters = { base: fitted.base, rate: fitted.rate, trees: fitted.trees };
	} else {
		drivers = columns.map((c, j) => ({ column: c.name, weight: plain.weights[j] as number }));
		parameters = { weights: plain.weights, means: plain.means, scales: plain.scales };
	}
	// a column's typical value: what a reason is measured against ("without this, the chance would be…")
	const medians = columns.map((_, j) => {
		const values = rows.map((r) => r[j] as number).sort((a, b) => a - b);
		return values[Math.floor(values.length / 2)] ?? 0;
	});
	const fittedModel: FittedModel = { learner: chosen, columns, parameters, medians, cutoff };
	drivers = drivers
		.filter((d) => d.weight !== 0)
		.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
		.slice(0, 10);
	const card: ModelCard = {
		cutoff: options.cutoff.toISOString(),
		leads: facts.length,
		converted,
		columns: columns.length,
		auc: aucs,
		chosen,
		calibration: calibration(chosen === "boosted" ? boosted : logistic, labels),
		drivers,
		leaky,
		suggestedRules: suggested,
		elapsedMs: performance.now() - started,
	};
	return { card, fitted: fittedModel };
}

/**
 * Trains (as `trainPredictive`), keeps the model, and scores every live lead with it as of
 * `now`: its chance of reaching SQL and the reasons that weigh most. Returns the card and how
 * many leads were scored.
 */
export async function trainAndScore(
	db: Db,
	options: TrainOptions & { now: Date },
): Promise<{ card: ModelCard; scored: number; modelId: string }> {
	const { card, fitted } = await fitModel(db, options);
	const modelId = randomUUID();
	await db
		.insertInto("predictive_models")
		.values({
			id: modelId,
			trained_at: options.now,
			cutoff: options.cutoff,
			learner: fitted.learner,
			columns: JSON.stringify(fitted.columns),
			parameters: JSON.stringify({ ...fitted.parameters, medians: fitted.medians }),
			card: JSON.stringify(card),
		})
		.execute();
	const active = await activeModel(db);
	if (!active) throw new AppError("not_found", "No model is published.");
	const model = { id: modelId, fitted, predictor: predictorOf(fitted) };
	let scored = 0;
	// every lead, locked a range at a time as ingest locks them: scoring may read the new chances
	await replayAll<{ first_seen_at: Date }>(db, active.model, {
		asOf: options.now.getTime(),
		lock: true,
		eventFields: FEATURE_FIELDS,
		historiesOnly: true,
		chunkSize: 1000,
		extra: { columns: sql`l.first_seen_at` },
		onRange: async (trx, leads) => {
			scored += await predictReplayed(trx, model, leads, options.now);
			options.onProgress?.(scored);
		},
	});
	return { card, scored, modelId };
}

/** A lead's latest prediction, if a model has scored it. */
export async function predictionOf(db: Db, leadId: string) {
	const row = await sql<{
		probability: number;
		reasons: Array<{ column: string; effect: number }>;
		scored_at: Date;
		trained_at: Date;
	}>`
		select p.probability, p.reasons, p.scored_at, m.trained_at from lead_predictions p
		join predictive_models m on m.id = p.model_id where p.lead_id = ${leadId}::uuid`.execute(db);
	const found = row.rows[0];
	return found
		? {
				probability: found.probability,
				reasons: found.reasons,
				scoredAt: new Date(found.scored_at).toISOString(),
				modelTrainedAt: new Date(found.trained_at).toISOString(),
			}
		: null;
}
