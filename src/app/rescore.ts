import { sql } from "kysely";
import { AppError } from "../domain/errors.js";
import { type Score, scoreOnly } from "../domain/scoring/evaluate-score.js";
import { stateFromEvents } from "../domain/scoring/state-from-events.js";
import type { Db } from "../storage/database.js";
import { historiesOf, type ScoreRow, writeScores } from "../storage/score-rows.js";
import { inTransaction } from "../storage/transaction.js";
import { type ActiveModel, activeModel, modelOfVersion } from "./active-model.js";
import { leadForScoring, type ProfileRow, promoteCrossings } from "./score-leads.js";

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

interface LeadRow extends ProfileRow {
	was_qualified: boolean | null;
}

const FIRST_ID = "00000000-0000-0000-0000-000000000000";
const LAST_ID = "ffffffff-ffff-ffff-ffff-ffffffffffff";

/** Lead-id ranges (lower bound excluded) of about `size` live leads each, from one index scan. */
export async function chunkRanges(db: Db, size: number): Promise<Array<[string, string]>> {
	const bounds = await sql<{ id: string }>`select id from (
			select id, row_number() over (order by id) as n from leads where merged_into is null) as numbered
		where n % ${size} = 0 order by id`.execute(db);
	const ids = [FIRST_ID, ...bounds.rows.map((r) => r.id), LAST_ID];
	return ids.slice(1).map((hi, i) => [ids[i] as string, hi]);
}

/**
 * Scores one range of leads from their histories in one transaction. The leads are locked
 * (in id order, as ingest locks them), so an event arriving meanwhile is either in the
 * history read here or applied by its own batch after this write.
 */
async function rescoreRange(db: Db, model: ActiveModel, [after, upTo]: [string, string], now: number) {
	return inTransaction(db, async (trx) => {
		const leads = await sql<LeadRow>`select l.id, l.email, l.timezone, l.traits, l.consent_status, l.stage,
				l.mql_cooldown_until, l.score_reset_at, s.qualified as was_qualified
			from leads l left join lead_scores s on s.lead_id = l.id and s.model_version = ${model.version}
			where l.merged_into is null and l.id > ${after}::uuid and l.id <= ${upTo}::uuid order by l.id for update of l`.execute(
			trx,
		);
		const first = leads.rows[0]?.id;
		const last = leads.rows[leads.rows.length - 1]?.id;
		if (!first || !last) return { rows: [] as ScoreRow[], events: 0, promoted: 0 };
		const histories = await historiesOf(trx, { from: first, to: last }, model.model);
		let events = 0;
		const rows: ScoreRow[] = leads.rows.map((lead) => {
			const history = histories.get(lead.id) ?? [];
			const reset = lead.score_reset_at ? new Date(lead.score_reset_at).getTime() : null;
			const state = stateFromEvents(model.model, history, lead.timezone, reset);
			events += history.length;
			return { leadId: lead.id, state, score: scoreOnly(model.model, state, leadForScoring(lead), now) };
		});
		await writeScores(trx, model.version, rows);
		const promoted = await promoteCrossings(trx, {
			rows,
			leads: new Map(leads.rows.map((l) => [l.id, leadForScoring(l)])),
			wasQualified: new Set(leads.rows.filter((l) => l.was_qualified).map((l) => l.id)),
			version: model.version,
			causeOf: () => null,
			now: new Date(now),
		});
		return { rows, events, promoted };
	});
}

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
	const ranges = await chunkRanges(db, Math.max(1, options.chunkSize ?? 500));
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
	let next = 0;
	const worker = async () => {
		while (next < ranges.length) {
			const range = ranges[next++] as [string, string];
			const chunk = await rescoreRange(db, model, range, options.now.getTime());
			summary.leads += chunk.rows.length;
			summary.events += chunk.events;
			summary.newMqls += chunk.promoted;
			for (const { score } of chunk.rows) tally(summary, score);
			summary.elapsedMs = performance.now() - started;
			options.onProgress?.(summary);
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
	summary.elapsedMs = performance.now() - started;
	return summary;
}
