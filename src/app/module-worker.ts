import { Worker } from "node:worker_threads";

// Node 20 does not give a worker the parent's module hooks: in source (tests, tsx) the worker
// registers tsx itself before importing the module; built, it imports the module's .js directly.
const START = `import("node:worker_threads").then(async ({ workerData }) => {
	if (workerData.typescript) (await import("tsx/esm/api")).register();
	await import(workerData.module);
});`;

/**
 * A worker thread running one of Qualify's modules (a file beside the caller, named without its
 * extension), built or in source, with `data` as its `workerData.data`.
 */
export function moduleWorker(callerUrl: string, name: string, data: unknown): Worker {
	const typescript = callerUrl.endsWith(".ts");
	const module = new URL(`./${name}.${typescript ? "ts" : "js"}`, callerUrl).href;
	return new Worker(START, { eval: true, workerData: { typescript, module, data } });
}
