import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { demoMessages } from "./demo-events.js";

/**
 * Runs `measure` while ingest runs at half its maximum rate, both measured here and now: first
 * 30,000 demo events as fast as four clients send them, then the rest at half that rate.
 */
export async function underHalfLoad<T>(
	target: { port: number; auth: string },
	measure: () => Promise<T>,
): Promise<{ result: T; maxRate: number; achieved: number }> {
	const batches = (list: Record<string, unknown>[]) => {
		const out: string[] = [];
		for (let i = 0; i < list.length; i += 100) out.push(JSON.stringify({ batch: list.slice(i, i + 100) }));
		return out;
	};
	const generate = (bodies: string[], perSecond?: number) =>
		new Worker(new URL("./load-generator.mjs", import.meta.url), {
			workerData: {
				url: `http://127.0.0.1:${target.port}/v1/batch`,
				auth: target.auth,
				bodies,
				concurrency: 4,
				perSecond,
			},
		});
	const finished = (w: Worker) =>
		new Promise<{ stored: number }>((resolve, reject) => {
			w.once("message", resolve);
			w.once("error", reject);
		});
	const all = demoMessages(30_000 + 150_000);
	let started = performance.now();
	const burst = await finished(generate(batches(all.slice(0, 30_000))));
	const maxRate = burst.stored / ((performance.now() - started) / 1000);
	const generator = generate(batches(all.slice(30_000)), maxRate / 2 / 100);
	started = performance.now();
	await new Promise((r) => setTimeout(r, 2000));
	const result = await measure();
	generator.postMessage("stop");
	const { stored } = await finished(generator);
	await generator.terminate();
	return { result, maxRate, achieved: stored / ((performance.now() - started) / 1000) };
}
