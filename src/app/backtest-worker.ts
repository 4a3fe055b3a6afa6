/**
 * A backtest's worker thread (PostgreSQL only): its own connection, both models compiled, and
 * for each lead range it is sent, the range replayed and both models' traces handed back packed.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { Window } from "../domain/backtest.js";
import { compileModel } from "../domain/scoring/compile-model.js";
import type { ScoringModelDocument } from "../schemas/scoring-model.js";
import { openDatabase } from "../storage/database.js";
import { backtestReplay, type Labelled, packTraces, tracesOf, transferables } from "./backtest-traces.js";
import { replayRange } from "./replay.js";

export interface BacktestWorkerData {
	url: string;
	draft: ScoringModelDocument;
	active: ScoringModelDocument;
	window: Window;
}

const port = parentPort;
if (!port) throw new Error("the backtest worker runs in a worker thread");
const data = (workerData as { data: BacktestWorkerData }).data;
const compile = (document: ScoringModelDocument) => {
	const compiled = compileModel(document);
	if (!compiled.ok) throw new Error("a model given to the backtest worker does not compile");
	return compiled.model;
};
const models = { draft: compile(data.draft), active: compile(data.active) };
const replay = backtestReplay(models, data.window);
const database = await openDatabase({ url: data.url, poolSize: 2 });

port.on("message", async (message: { index: number; range: [string, string] } | null) => {
	if (message === null) {
		await database.close();
		port.close();
		return;
	}
	try {
		const leads = await replayRange<Labelled>(database.db, models.draft, message.range, replay);
		const traces = tracesOf(models, leads, data.window);
		const draft = packTraces(traces.draft);
		const active = packTraces(traces.active);
		port.postMessage({ index: message.index, draft, active, emails: traces.emails }, [
			...transferables(draft),
			...transferables(active),
		]);
	} catch (error) {
		port.postMessage({ index: message.index, error: error instanceof Error ? error.message : String(error) });
	}
});
port.postMessage({ ready: true });
