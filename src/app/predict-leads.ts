import { sql, type Transaction } from "kysely";
import { type Column, rowOf } from "../domain/predict/features.js";
import {
	type BoostedParameters,
	boostedFrom,
	type LogisticParameters,
	logisticFrom,
	type Predictor,
} from "../domain/predict/learners.js";
import type { Db } from "../storage/database.js";
import type { Tables } from "../storage/tables.js";
import { inTransaction } from "../storage/transaction.js";
import { activeModel } from "./active-model.js";
import { ALL_LEADS, type Replayed, replayRange } from "./replay.js";
import { scoreTouchedLeads } from "./score-leads.js";
import { recheckSegments } from "./segments/segment-membership.js";

/** A trained model as it is stored: enough to score any lead later with the same columns. */
export interface FittedModel {
	learner: "logistic" | "boosted";
	columns: Column[];
	parameters: BoostedParameters | LogisticParameters;
	medians: number[];
	cutoff: number;
}

/** A stored model, ready to predict with. */
export interface PredictiveModel {
	id: string;
	fitted: FittedModel;
	predictor: Predictor;
}

/** What the predictive score reads of events besides their kind, page and time: nothing. */
export const FEATURE_FIELDS: ReadonlySet<string> = new Set();

export const predictorOf = (fitted: FittedModel): Predictor =>
	fitted.learner === "boosted"
		? boostedFrom(fitted.parameters as BoostedParameters)
		: logisticFrom(fitted.parameters as LogisticParameters);

// Stored models never change, so one read from the database is kept by id.
const loaded = new Map<string, PredictiveModel>();

/** The predictive model in use: the latest trained and kept. */
export async function latestPredictiveModel(db: Db | Transaction<Tables>): Promise<PredictiveModel | null> {
	const row = await db
		.selectFrom("predictive_models")
		.select(["id", "learner", "columns", "parameters", "cutoff"])
		.orderBy("trained_at", "desc")
		.orderBy("id")
		.limit(1)
		.executeTakeFirst();
	if (!row) return null;
	const cached = loaded.get(row.id);
	if (cached) return cached;
	const { medians, ...parameters } = row.parameters as unknown as (BoostedParameters | LogisticParameters) & {
		medians: number[];
	};
	const fitted: FittedModel = {
		learner: row.learner,
		columns: row.columns as Column[],
		parameters,
		medians,
		cutoff: new Date(row.cutoff).getTime(),
	};
	const model = { id: row.id, fitted, predictor: predictorOf(fitted) };
	loaded.set(row.id, model);
	return model;
}

/**
 * The reasons behind a lead's prediction, model-agnostic: for each column the lead differs on
 * from the typical lead, how much lower its chance would be with the typical value. The three
 * that weigh most.
 */
function reasonsOf(model: PredictiveModel, row: number[], probability: number) {
	const { fitted, predictor } = model;
	return fitted.columns
		.flatMap((column, j) => {
			if (row[j] === fitted.medians[j]) return [];
			const typical = [...row];
			typical[j] = fitted.medians[j] as number;
			return [{ column: column.name, effect: probability - predictor.predict(typical) }];
		})
		.filter((r) => r.effect > 0)
		.sort((a, b) => b.effect - a.effect)
		.slice(0, 3);
}

/**
 * Predicts replayed leads (their whole history up to `now`) with a model and keeps each one's
 * chance with its reasons, in the caller's transaction, which holds the leads' row locks. When
 * the active scoring model reads the chance, the leads are scored again at once, so one that now
 * qualifies becomes an MQL in the same transaction. The one writer of predictions.
 */
export async function predictReplayed(
	trx: Transaction<Tables>,
	model: PredictiveModel,
	leads: ReadonlyArray<Replayed<{ first_seen_at: Date }>>,
	now: Date,
): Promise<number> {
	if (leads.length === 0) return 0;
	const rows = leads.map((lead) => {
		const row = rowOf(
			{
				traits: lead.profile.traits,
				history: lead.history,
				firstSeenAt: new Date(lead.row.first_seen_at).getTime(),
			},
			model.fitted.columns,
			now.getTime(),
		);
		const probability = model.predictor.predict(row);
		return { id: lead.row.id, probability, reasons: reasonsOf(model, row, probability) };
	});
	const ids = rows.map((r) => r.id);
	const chances = rows.map((r) => r.probability);
	await sql`insert into lead_predictions (lead_id, model_id, probability, reasons, scored_at)
		select id, ${model.id}::uuid, probability, reasons::jsonb, ${now}
		from unnest(${ids}::uuid[], ${chances}::float8[], ${rows.map((r) => JSON.stringify(r.reasons))}::text[])
			as p(id, probability, reasons)
		on conflict (lead_id) do update set model_id = excluded.model_id, probability = excluded.probability,
			reasons = excluded.reasons, scored_at = excluded.scored_at`.execute(trx);
	await sql`update leads l set predicted_chance = p.probability, prediction_due = false
		from unnest(${ids}::uuid[], ${chances}::float8[]) as p(id, probability) where l.id = p.id`.execute(trx);
	const active = await activeModel(trx);
	if (active?.model.readsPrediction) {
		const profiles = new Map(
			leads.map((lead, i) => [lead.row.id, { ...lead.profile, predictedChance: chances[i] ?? null }]),
		);
		await scoreTouchedLeads(trx, { events: new Map(), created: new Set(), profiles }, now);
	}
	return rows.length;
}

/**
 * Predicts again every lead whose history changed since its last prediction, a chunk at a time
 * (each chunk in one transaction, its leads locked as ingest locks them, so an event arriving
 * meanwhile marks its lead due again after the chunk commits). Returns how many it predicted.
 */
export async function refreshDuePredictions(db: Db, now: Date, chunkSize = 500): Promise<number> {
	const model = await latestPredictiveModel(db);
	const active = await activeModel(db);
	if (!model || !active) return 0;
	let predicted = 0;
	for (;;) {
		const due = await sql<{ id: string }>`select id from leads
			where prediction_due and merged_into is null order by id limit ${chunkSize}`.execute(db);
		if (due.rows.length === 0) return predicted;
		const ids = due.rows.map((r) => r.id);
		predicted += await inTransaction(db, async (trx) => {
			const leads = await replayRange<{ first_seen_at: Date }>(trx, active.model, ALL_LEADS, {
				asOf: now.getTime(),
				lock: true,
				eventFields: FEATURE_FIELDS,
				historiesOnly: true,
				where: sql<boolean>`l.id = any(${ids}::uuid[]) and l.prediction_due`,
				extra: { columns: sql`l.first_seen_at` },
			});
			const n = await predictReplayed(trx, model, leads, now);
			// predicted_chance may have moved leads in or out of segments
			await recheckSegments(trx, ids, now);
			return n;
		});
		if (due.rows.length < chunkSize) return predicted;
	}
}
