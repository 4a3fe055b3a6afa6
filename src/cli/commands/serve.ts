import { existsSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import pino from "pino";
import { countApiKeys, createApiKey } from "../../app/api-keys.js";
import { loadDemo } from "../../app/load-demo.js";
import { systemClock } from "../../app/system-clock.js";
import { createApp } from "../../http/app.js";
import { readConfig } from "../config.js";
import { openStore, type Store } from "../open-store.js";
import { startWorker } from "../start-worker.js";
import { parseCommand, positiveInt } from "./args.js";
import { onShutdown } from "./shutdown.js";

const USAGE = `Usage: qualify serve [--port N] [--no-worker]

Serves the API and the web app. Jobs run in this process unless --no-worker is given;
then run 'qualify worker' beside it.
Environment: PORT (8080), HOST (0.0.0.0), DATABASE_URL, QUALIFY_DATA_DIR (./.qualify), LOG_LEVEL,
QUALIFY_OLDEST_EVENT (events before this date are refused; 2000-01-01).`;

export async function serveCommand(args: string[]) {
	const parsed = parseCommand(args, { port: { type: "string" }, "no-worker": { type: "boolean" } }, USAGE);
	if (!parsed) return;
	const config = readConfig();
	const port = positiveInt(parsed.values.port, "port", config.port);
	const logger = pino({ level: config.logLevel });
	const store = await openStore(config);
	const fresh = await firstRun(store);

	const webRoot = fileURLToPath(new URL("../../../web/dist", import.meta.url));
	const stopping = new AbortController();
	const app = createApp({
		db: store.db,
		logger,
		listen: store.listen,
		shutdown: stopping.signal,
		trustProxy: config.trustProxy,
		oldestEvent: config.oldestEvent,
		webhookAllow: config.webhookAllow,
		publicUrl: config.publicUrl,
		clock: systemClock,
		...(store.url ? { databaseUrl: store.url } : {}),
		...(existsSync(webRoot) ? { webRoot } : {}),
	});
	const server = serve({ fetch: app.fetch, port, hostname: config.host });
	await new Promise<void>((resolve, reject) => {
		server.once("listening", () => resolve());
		server.once("error", reject);
	});
	const stopWorker = new AbortController();
	const worker = parsed.values["no-worker"] ? Promise.resolve() : startWorker(store, config, logger, stopWorker.signal);
	console.log(`Qualify is serving http://localhost:${port} (API reference at /docs), data in ${store.where}.`);
	// Asked only once the server answers: a start never waits on someone at the terminal.
	if (fresh)
		offerDemo(store, stopping.signal).catch((error) => {
			if (!stopping.signal.aborted) logger.error({ err: error }, "the demo could not be loaded");
		});

	onShutdown(async () => {
		stopWorker.abort();
		stopping.abort();
		await new Promise<void>((resolve) => server.close(() => resolve()));
		await worker;
		await store.close();
	});
}

/** On a store with no keys: make an admin secret key and a write key. Says whether it did. */
async function firstRun(store: Store): Promise<boolean> {
	if ((await countApiKeys(store.db)) > 0) return false;
	const secret = await createApiKey(store.db, "secret", "admin (first run)");
	const write = await createApiKey(store.db, "write", "default write key");
	console.log(`
First run: created your keys. They are shown this once; keep them somewhere safe.
  admin secret key: ${secret.key}
  write key:        ${write.key}   (for websites and Segment-compatible libraries)

To sign in, open the web app: its first-run page takes the admin secret key, creates the
first admin and can load demo data, all while this server runs.
`);
	return true;
}

/** On a new store, with someone at the terminal, offers demo data while the server already serves. */
async function offerDemo(store: Store, signal: AbortSignal): Promise<void> {
	if (!process.stdin.isTTY) {
		console.log("Load a demo funnel from the web app's first-run page.\n");
		return;
	}
	const prompt = createInterface({ input: process.stdin, output: process.stdout });
	try {
		const answer = await prompt.question("The store is empty. Load a demo funnel of 2,000 leads now? [y/N] ", {
			signal,
		});
		if (!/^y/i.test(answer.trim())) return;
	} finally {
		prompt.close();
	}
	const summary = await loadDemo(store.db, { leads: 2000, seed: 1, now: systemClock.now() });
	console.log(`Loaded ${summary.stored} events for ${summary.leads} demo leads.\n`);
}
