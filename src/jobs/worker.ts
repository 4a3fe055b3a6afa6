import type { Logger } from "pino";
import type { Db } from "../storage/database.js";
import { claimJobs, completeJob, failJob, type Job } from "./queue.js";

export type JobHandler = (job: Job) => Promise<void>;

export interface WorkerOptions {
	db: Db;
	handlers: Record<string, JobHandler>;
	logger?: Logger;
	pollMs?: number;
	batchSize?: number;
	signal: AbortSignal;
}

/** Runs due jobs until the signal aborts; a failed job is retried later with backoff. */
export async function runWorker({
	db,
	handlers,
	logger,
	pollMs = 500,
	batchSize = 20,
	signal,
}: WorkerOptions): Promise<void> {
	const kinds = Object.keys(handlers);
	while (!signal.aborted) {
		let jobs: Job[] = [];
		try {
			jobs = await claimJobs(db, kinds, batchSize);
		} catch (error) {
			if (signal.aborted) break;
			logger?.error({ err: error }, "could not claim jobs");
		}
		for (const job of jobs) {
			try {
				await handlers[job.kind]?.(job);
				await completeJob(db, job.id);
			} catch (error) {
				logger?.warn({ err: error, job: job.id, kind: job.kind, attempt: job.attempts }, "job failed");
				await failJob(db, job, error);
			}
		}
		if (jobs.length < batchSize) {
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, pollMs);
				signal.addEventListener(
					"abort",
					() => {
						clearTimeout(timer);
						resolve();
					},
					{ once: true },
				);
			});
		}
	}
}
