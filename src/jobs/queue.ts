import { sql, type Transaction } from "kysely";
import type { Db } from "../storage/database.js";
import { JOBS_CHANNEL } from "../storage/job-constants.js";

import type { Tables } from "../storage/tables.js";

export interface Job {
	id: number;
	kind: string;
	payload: Record<string, unknown>;
	attempts: number;
	maxAttempts: number;
}

/** Wakes listening workers when the caller's transaction commits (NOTIFY is held until then). */
export async function notifyWorkers(trx: Transaction<Tables> | Db): Promise<void> {
	await sql`select pg_notify(${JOBS_CHANNEL}, '')`.execute(trx);
}

/** Adds a job in the caller's transaction, so it exists exactly when the change that caused it does. */
export async function enqueueJob(
	trx: Transaction<Tables> | Db,
	kind: string,
	payload: Record<string, unknown>,
	options: { runAt?: Date; maxAttempts?: number } = {},
): Promise<number> {
	const row = await trx
		.insertInto("jobs")
		.values({
			kind,
			payload: JSON.stringify(payload),
			...(options.runAt ? { run_at: options.runAt } : {}),
			...(options.maxAttempts ? { max_attempts: options.maxAttempts } : {}),
		})
		.returning("id")
		.executeTakeFirstOrThrow();
	await notifyWorkers(trx);
	return row.id;
}

/**
 * Queues a job of a recurring kind unless one is already waiting (other than `except`, the
 * job now running that schedules its successor).
 */
export async function scheduleOnce(db: Db, kind: string, runAt: Date, except: number | null = null): Promise<void> {
	await sql`insert into jobs (kind, run_at) select ${kind}, ${runAt}
		where not exists (select 1 from jobs where kind = ${kind} and done_at is null
			and id <> ${except ?? -1})`.execute(db);
}

/**
 * Claims due jobs for a lease. SKIP LOCKED lets many workers claim at once without waiting
 * on each other; a worker that dies loses its lease and the job is claimed again.
 */
export async function claimJobs(db: Db, kinds: readonly string[], limit: number, leaseMs = 60_000): Promise<Job[]> {
	if (kinds.length === 0) return [];
	const rows = await sql<{
		id: number;
		kind: string;
		payload: Record<string, unknown>;
		attempts: number;
		max_attempts: number;
	}>`
		update jobs set locked_until = now() + ${`${leaseMs} milliseconds`}::interval, attempts = attempts + 1
		where id in (
			select id from jobs
			where done_at is null and run_at <= now() and (locked_until is null or locked_until < now())
				and kind = any(${kinds}::text[]) and attempts < max_attempts
			order by run_at limit ${limit} for update skip locked)
		returning id, kind, payload, attempts, max_attempts`.execute(db);
	return rows.rows.map((r) => ({
		id: r.id,
		kind: r.kind,
		payload: r.payload,
		attempts: r.attempts,
		maxAttempts: r.max_attempts,
	}));
}

export async function completeJob(db: Db, id: number): Promise<void> {
	await db.updateTable("jobs").set({ done_at: sql`now()`, locked_until: null }).where("id", "=", id).execute();
}

/** Exponential backoff with jitter: 10 s, 20 s, 40 s … capped at 12 hours. */
export function retryDelayMs(attempts: number, random = Math.random()): number {
	return Math.min(10_000 * 2 ** (attempts - 1), 12 * 3_600_000) * (0.75 + random * 0.5);
}

/** An error that says when to try again, for jobs with a schedule of their own. */
export class RetryLater extends Error {
	constructor(
		message: string,
		readonly retryInMs: number,
	) {
		super(message);
		this.name = "RetryLater";
	}
}

export async function failJob(db: Db, job: Job, error: unknown): Promise<void> {
	const message = error instanceof Error ? error.message : String(error);
	await db
		.updateTable("jobs")
		.set({
			last_error: message.slice(0, 2000),
			locked_until: null,
			run_at: new Date(Date.now() + (error instanceof RetryLater ? error.retryInMs : retryDelayMs(job.attempts))),
		})
		.where("id", "=", job.id)
		.execute();
}

/** Keeps a long job's lease, so that no other worker claims it while it is still running. */
export async function extendLease(db: Db, id: number, leaseMs = 60_000): Promise<void> {
	await sql`update jobs set locked_until = now() + ${`${leaseMs} milliseconds`}::interval where id = ${id}`.execute(db);
}
