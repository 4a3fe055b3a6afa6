import { type RawBuilder, sql, type Transaction } from "kysely";
import type { CompiledModel } from "../domain/scoring/compile-model.js";
import { type Score, scoreOnly } from "../domain/scoring/evaluate-score.js";
import type { ScorableEvent } from "../domain/scoring/scorable.js";
import { emptyState, type ScoreState } from "../domain/scoring/score-state.js";
import { stateFromEvents } from "../domain/scoring/state-from-events.js";
import type { Db } from "../storage/database.js";
import { type ProfileRow, profileColumns } from "../storage/lead-profile.js";
import { historiesOf } from "../storage/score-rows.js";
import type { Tables } from "../storage/tables.js";
import { inTransaction } from "../storage/transaction.js";
import { type LeadForScoring, leadForScoring } from "./score-leads.js";

type Executor = Transaction<Tables> | Db;

/** One lead replayed: its profile row (with any extra columns asked for), its state and score. */
export interface Replayed<Extra> {
	row: ProfileRow & Extra;
	profile: LeadForScoring;
	state: ScoreState;
	score: Score;
	/** events in its history */
	events: number;
	/** the history itself, oldest first (the events up to the replay point) */
	history: readonly ScorableEvent[];
}

export interface ReplayOptions {
	/** the moment scores are read at (decay, windows), epoch ms */
	asOf: number;
	/** only events up to this time count (a backtest's replay point); all when absent */
	eventsUpTo?: Date;
	/** lock the range's leads in id order, as ingest locks them, for a replay that writes */
	lock?: boolean;
	/** more columns for each lead row, by a query joined as `l` (leads) */
	extra?: { columns: RawBuilder<unknown>; join?: RawBuilder<unknown> };
	/** only the leads (`l`) this says */
	where?: RawBuilder<boolean>;
	/** read these event fields instead of those the model reads (two models' fields; none for the predictive score) */
	eventFields?: ReadonlySet<string>;
	/** the caller scores the histories itself (a backtest, under two models): skip the state and score */
	historiesOnly?: boolean;
}

// What a histories-only replay leaves in place of the state and score it did not compute.
const NO_STATE = emptyState();
const NO_SCORE: Score = {
	at: 0,
	fit: 0,
	engagement: 0,
	grade: "D",
	temperature: "cold",
	qualification: { qualified: false, by: null, reason: "not scored", handRaisedAt: null, disqualifiedBy: [] },
	fitRules: [],
	engagementRules: [],
};

const FIRST_ID = "00000000-0000-0000-0000-000000000000";
const LAST_ID = "ffffffff-ffff-ffff-ffff-ffffffffffff";
/** The range of every lead id, for a replay of the leads a `where` names. */
export const ALL_LEADS: [string, string] = [FIRST_ID, LAST_ID];

/** Lead-id ranges (lower bound excluded) of about `size` live leads each, from one index scan. */
export async function chunkRanges(db: Executor, size: number): Promise<Array<[string, string]>> {
	const bounds = await sql<{ id: string }>`select id from (
			select id, row_number() over (order by id) as n from leads where merged_into is null) as numbered
		where n % ${size} = 0 order by id`.execute(db);
	const ids = [FIRST_ID, ...bounds.rows.map((r) => r.id), LAST_ID];
	return ids.slice(1).map((hi, i) => [ids[i] as string, hi]);
}

/**
 * The one replay: a range of live leads → their profiles → their histories → state → score
 * under a model, as of a time. Rescore, the publish preview and the backtest all read leads
 * this way.
 */
export async function replayRange<Extra = object>(
	db: Executor,
	model: CompiledModel,
	[after, upTo]: [string, string],
	options: ReplayOptions,
): Promise<Array<Replayed<Extra>>> {
	const extraColumns = options.extra ? sql`, ${options.extra.columns}` : sql``;
	const lock = options.lock ? sql`for update of l` : sql``;
	const leads = await sql<ProfileRow & Extra>`select ${profileColumns("l")} ${extraColumns}
		from leads l ${options.extra?.join ?? sql``}
		where l.merged_into is null and l.id > ${after}::uuid and l.id <= ${upTo}::uuid and ${options.where ?? sql`true`}
		order by l.id ${lock}`.execute(db);
	const first = leads.rows[0]?.id;
	const last = leads.rows[leads.rows.length - 1]?.id;
	if (!first || !last) return [];
	const histories = await historiesOf(
		db,
		{ from: first, to: last },
		options.eventFields ? { eventFields: options.eventFields } : model,
		options.eventsUpTo,
	);
	return leads.rows.map((row) => {
		const history = histories.get(row.id) ?? [];
		const profile = leadForScoring(row);
		if (options.historiesOnly)
			return { row, profile, state: NO_STATE, score: NO_SCORE, events: history.length, history };
		const state = stateFromEvents(model, history, row.timezone, profile.scoreResetAt);
		return {
			row,
			profile,
			state,
			score: scoreOnly(model, state, profile, options.asOf),
			events: history.length,
			history,
		};
	});
}

/**
 * Replays every live lead, range by range with `concurrency` ranges in flight (while one waits
 * on the database another is scored). Each range is read and handed to `onRange` in its own
 * transaction, so what a replay that writes (with `lock`) commits goes with the locks that
 * guarded its read.
 */
export async function replayAll<Extra = object>(
	db: Db,
	model: CompiledModel,
	options: ReplayOptions & {
		chunkSize?: number;
		/** the lead ranges, when the caller has made them already */
		ranges?: Array<[string, string]>;
		concurrency?: number;
		onRange: (trx: Transaction<Tables>, leads: Array<Replayed<Extra>>) => Promise<void> | void;
	},
): Promise<void> {
	const ranges = options.ranges ?? (await chunkRanges(db, Math.max(1, options.chunkSize ?? 500)));
	let next = 0;
	const worker = async () => {
		while (next < ranges.length) {
			const range = ranges[next++] as [string, string];
			await inTransaction(db, async (trx) =>
				options.onRange(trx, await replayRange<Extra>(trx, model, range, options)),
			);
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, worker));
}
