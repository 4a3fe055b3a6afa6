import { sql } from "kysely";
import { AppError } from "../domain/errors.js";
import type { Score } from "../domain/scoring/evaluate-score.js";
import type { Db } from "../storage/database.js";
import { type ScoreRow, writeScores } from "../storage/score-rows.js";
import { activeModel, modelOfVersion } from "./active-model.js";
import { followScoreChanges } from "./lead-changes.js";
import { replayAll } from "./replay.js";
import { promoteCrossings } from "./score-leads.js";

export interface RescoreProgress {
	leads: number;
	totalLeads: number;
	events: number;
	elapsedMs: number;
}

export interface RescoreSummary extends RescoreProgress {
	modelVersion: number;
	qualified: number;
	/** leads that crossed into qualifying and became MQLs */
	newMqls: number;
	byGrade: Record<string, number>;
	byTemperature: Record<string, number>;
}

export interface RescoreOptions {
	version?: number;
	/** leads per transaction */
	chunkSize?: number;
	/** chunks in flight at once: while one waits on the database, another is scored */
	concurrency?: number;
	now: Date;
	onProgress?: (p: RescoreProgress) => void;
}

/** Whether each lead qualified under the model when last scored: a crossing promotes it to MQL. */
const WAS_QUALIFIED = (version: number) => ({
	columns: sql`s.qualified as was_qualified`,
	join: sql`left join lead_scores s on s.lead_id = l.id and s.model_version = ${version}`,
});

function tally(summary: RescoreSummary, score: Score) {
	if (score.qualification.qualified) summary.qualified++;
	summary.byGrade[score.grade] = (summary.byGrade[score.grade] ?? 0) + 1;
	summary.byTemperature[score.temperature] = (summary.byTemperature[score.temperature] ?? 0) + 1;
}

/** Rebuilds every live lead's score under one model (the active one by default) from its whole history. */
export async function rescoreAll(db: Db, options: RescoreOptions): Promise<RescoreSummary> {
	const model = options.version ? await modelOfVersion(db, options.version) : await activeModel(db);
	if (!model)
		throw new AppError("not_found", options.version ? `no model version ${options.version}` : "no model is published");
	const started = performance.now();
	const total = await sql<{ n: number }>`select count(*)::int as n from leads where merged_into is null`.execute(db);
	const summary: RescoreSummary = {
		modelVersion: model.version,
		leads: 0,
		totalLeads: total.rows[0]?.n ?? 0,
		events: 0,
		elapsedMs: 0,
		qualified: 0,
		newMqls: 0,
		byGrade: { A: 0, B: 0, C: 0, D: 0 },
		byTemperature: { hot: 0, warm: 0, cold: 0 },
	};
	const now = options.now;
	// Each range in one transaction, its leads locked (in id order, as ingest locks them), so an
	// event arriving meanwhile is either in the history read or applied by its own batch after.
	await replayAll<{ was_qualified: boolean | null }>(db, model.model, {
		asOf: now.getTime(),
		lock: true,
		extra: WAS_QUALIFIED(model.version),
		chunkSize: options.chunkSize,
		concurrency: options.concurrency ?? 2,
		onRange: async (trx, leads) => {
			const rows: ScoreRow[] = leads.map((l) => ({ leadId: l.row.id, state: l.state, score: l.score }));
			await writeScores(trx, model.version, rows);
			summary.newMqls += await promoteCrossings(trx, {
				rows,
				leads: new Map(leads.map((l) => [l.row.id, l.profile])),
				wasQualified: new Set(leads.filter((l) => l.row.was_qualified).map((l) => l.row.id)),
				version: model.version,
				causeOf: () => null,
				now,
			});
			await followScoreChanges(
				trx,
				leads.map((l) => l.row.id),
				now,
			);
			summary.leads += leads.length;
			for (const l of leads) {
				summary.events += l.events;
				tally(summary, l.score);
			}
			summary.elapsedMs = performance.now() - started;
			options.onProgress?.(summary);
		},
	});
	summary.elapsedMs = performance.now() - started;
	return summary;
}
