import pino from "pino";
import { readConfig } from "../config.js";
import { openStore } from "../open-store.js";
import { startWorker } from "../start-worker.js";
import { parseCommand } from "./args.js";
import { onShutdown } from "./shutdown.js";

export async function workerCommand(args: string[]) {
	if (
		!parseCommand(
			args,
			{},
			"Usage: qualify worker\n\nRuns background jobs until stopped; run as many as you like on one PostgreSQL.",
		)
	)
		return;
	const config = readConfig();
	const logger = pino({ level: config.logLevel });
	const store = await openStore(config);
	const stop = new AbortController();
	const done = startWorker(store, config, logger, stop.signal);
	console.log(`Qualify worker running on ${store.where}.`);
	onShutdown(async () => {
		stop.abort();
		await done;
		await store.close();
	});
}
