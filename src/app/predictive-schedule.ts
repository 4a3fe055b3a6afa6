import { sql } from "kysely";
import type { Db } from "../storage/database.js";
import { type ModelCard, trainAndScore } from "./predictive.js";

const DAY = 86_400_000;

export interface RetrainSchedule {
	everyDays: number;
	/** each retraining learns from the leads known this many days before it, labelled by what became of them since */
	horizonDays: number;
	afterOutcome: string[];
	nextAt: string;
	lastRunAt: string | null;
	lastError: string | null;
}

/** Retrains the predictive score every `everyDays` from `now` on (one schedule a store). */
export async function setRetrainSchedule(
	db: Db,
	input: { everyDays: number; horizonDays: number; afterOutcome: readonly string[]; now: Date },
): Promise<RetrainSchedule> {
	const nextAt = new Date(input.now.getTime() + input.everyDays * DAY);
	await sql`insert into predictive_schedule (every_days, horizon_days, after_outcome, next_at)
		values (${input.everyDays}, ${input.horizonDays}, ${[...input.afterOutcome]}::text[], ${nextAt})
		on conflict (id) do update set every_days = excluded.every_days, horizon_days = excluded.horizon_days,
			after_outcome = excluded.after_outcome, next_at = excluded.next_at, last_error = null`.execute(db);
	return (await retrainSchedule(db)) as RetrainSchedule;
}

export async function clearRetrainSchedule(db: Db): Promise<boolean> {
	const result = await db.deleteFrom("predictive_schedule").executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

export async function retrainSchedule(db: Db): Promise<RetrainSchedule | null> {
	const row = await db.selectFrom("predictive_schedule").selectAll().executeTakeFirst();
	return row
		? {
				everyDays: row.every_days,
				horizonDays: row.horizon_days,
				afterOutcome: row.after_outcome,
				nextAt: new Date(row.next_at).toISOString(),
				lastRunAt: row.last_run_at ? new Date(row.last_run_at).toISOString() : null,
				lastError: row.last_error,
			}
		: null;
}

/**
 * Retrains when the schedule says it is time: claims the run by moving the next time on (so
 * two workers never train at once), then trains on the leads known `horizonDays` ago and
 * scores every lead with the new model. A failure is kept on the schedule for the next look.
 */
export async function retrainIfDue(db: Db, now: Date): Promise<ModelCard | null> {
	const claimed = await sql<{ horizon_days: number; after_outcome: string[] }>`update predictive_schedule
		set next_at = ${now}::timestamptz + make_interval(days => every_days), last_run_at = ${now}
		where next_at <= ${now} returning horizon_days, after_outcome`.execute(db);
	const due = claimed.rows[0];
	if (!due) return null;
	try {
		const { card } = await trainAndScore(db, {
			cutoff: new Date(now.getTime() - due.horizon_days * DAY),
			afterOutcome: due.after_outcome,
			now,
		});
		await sql`update predictive_schedule set last_error = null`.execute(db);
		return card;
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		await sql`update predictive_schedule set last_error = ${message.slice(0, 2000)}`.execute(db);
		throw error;
	}
}
