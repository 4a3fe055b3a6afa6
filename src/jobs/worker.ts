import type { Logger } from "pino";
import type { Db } from "../storage/database.js";
import { claimJobs, completeJob, failJob, type Job } from "./queue.js";

export type JobHandler = (job: Job) => Promise<void>;

export interface WorkerOptions {
	db: Db;
	handlers: Record<string, JobHandler>;
	logger?: Logger;
	/** the longest wait between looks at the queue when nothing wakes the worker */
	pollMs?: number;
	/** jobs run at once */
	concurrency?: number;
	/** subscribes to "new jobs" notices (NOTIFY at commit), so a job starts at once */
	subscribe?: (wake: () => void) => Promise<() => Promise<void>>;
	signal: AbortSignal;
}

/**
 * Runs due jobs until the signal aborts, several at once, so that one slow job (a rescore,
 * a receiver that takes its time) does not hold up the rest. A failed job is retried later.
 */
export async function runWorker({
	db,
	handlers,
	logger,
	pollMs = 500,
	concurrency = 8,
	subscribe,
	signal,
}: WorkerOptions): Promise<void> {
	const kinds = Object.keys(handlers);
	const running = new Set<Promise<void>>();
	let wake: () => void = () => {};
	let woken = false;
	const nudge = () => {
		woken = true;
		wake();
	};
	const unsubscribe = subscribe ? await subscribe(nudge).catch(() => null) : null;
	signal.addEventListener("abort", nudge, { once: true });

	const run = async (job: Job) => {
		try {
			await handlers[job.kind]?.(job);
			await completeJob(db, job.id);
		} catch (error) {
			logger?.warn({ err: error, job: job.id, kind: job.kind, attempt: job.attempts }, "job failed");
			await failJob(db, job, error).catch((e) => logger?.error({ err: e, job: job.id }, "could not record a failure"));
		}
	};

	while (!signal.aborted) {
		woken = false;
		let claimed: Job[] = [];
		if (running.size < concurrency) {
			try {
				claimed = await claimJobs(db, kinds, concurrency - running.size);
			} catch (error) {
				if (signal.aborted) break;
				logger?.error({ err: error }, "could not claim jobs");
			}
		}
		for (const job of claimed) {
			const task = run(job).finally(() => {
				running.delete(task);
				nudge();
			});
			running.add(task);
		}
		if (woken || (claimed.length > 0 && running.size < concurrency)) continue;
		await new Promise<void>((resolve) => {
			const timer = setTimeout(resolve, pollMs);
			wake = () => {
				clearTimeout(timer);
				resolve();
			};
		});
		wake = () => {};
	}
	await Promise.all(running);
	await unsubscribe?.();
}
