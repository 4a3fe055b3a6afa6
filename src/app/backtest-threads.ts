import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { type PackedTraces, type RangeTraces, unpackTraces } from "./backtest-traces.js";
import type { BacktestWorkerData } from "./backtest-worker.js";
import { moduleWorker } from "./module-worker.js";

/** Leads a range of a backtest's replay holds. */
export const RANGE_SIZE = 500;
/** Below this many ranges a replay stays in-process: starting threads would cost more than they save. */
export const THREADS_FROM_RANGES = 8;

/** Ranges a thread has in hand at once: while one waits on the database the other is scored. */
const IN_HAND = 2;

/** The threads a replay on this store may use: PostgreSQL's, up to one a core (at most four). */
export function replayThreads(url: string | undefined): { url: string; count: number } | undefined {
	return url ? { url, count: Math.min(4, availableParallelism()) } : undefined;
}

type Reply =
	| { ready: true }
	| { index: number; error: string }
	| { index: number; draft: PackedTraces; active: PackedTraces; emails: RangeTraces["emails"] };

/**
 * Replays a backtest's lead ranges in `count` worker threads, handing each range's traces to
 * `gather` as it comes back (in any order). A failed range fails the whole replay.
 */
export async function tracesInThreads(
	ranges: ReadonlyArray<[string, string]>,
	options: BacktestWorkerData & { count: number },
	gather: (traces: RangeTraces) => void,
): Promise<void> {
	const { count, ...data } = options;
	const workers: Worker[] = [];
	const exited = new Set<Worker>();
	let next = 0;
	let done = 0;
	try {
		await new Promise<void>((resolve, reject) => {
			if (ranges.length === 0) return resolve();
			const give = (worker: Worker) => {
				if (next < ranges.length) {
					worker.postMessage({ index: next, range: ranges[next] });
					next++;
				}
			};
			for (let i = 0; i < Math.min(count, Math.ceil(ranges.length / IN_HAND)); i++) {
				const worker = moduleWorker(import.meta.url, "backtest-worker", data);
				workers.push(worker);
				worker.on("error", reject);
				worker.on("exit", () => {
					exited.add(worker);
					if (done < ranges.length) reject(new Error("a backtest thread stopped before the replay was done"));
				});
				worker.on("message", (reply: Reply) => {
					if ("ready" in reply) {
						for (let k = 0; k < IN_HAND; k++) give(worker);
						return;
					}
					if ("error" in reply) return reject(new Error(`replaying a range failed: ${reply.error}`));
					gather({ draft: unpackTraces(reply.draft), active: unpackTraces(reply.active), emails: reply.emails });
					done++;
					if (done === ranges.length) resolve();
					else give(worker);
				});
			}
		});
	} finally {
		// each thread closes its connection and ends; one that does not within seconds is stopped
		await Promise.all(
			workers
				.filter((w) => !exited.has(w))
				.map(
					(w) =>
						new Promise<void>((resolve) => {
							w.once("exit", () => resolve());
							w.postMessage(null);
							setTimeout(() => void w.terminate(), 5_000).unref();
						}),
				),
		);
	}
}
