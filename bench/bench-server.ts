import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApiKey } from "../src/app/api-keys.js";
import { systemClock } from "../src/app/system-clock.js";
import { createApp } from "../src/http/app.js";
import { jobHandlers } from "../src/jobs/handlers.js";
import { runWorker } from "../src/jobs/worker.js";
import type { Database } from "../src/storage/database.js";
import { JOBS_CHANNEL } from "../src/storage/job-constants.js";

/** The API on a loopback port with a write key, and a worker woken at commit, as `serve` runs them. */
export async function serveWithWorker(
	database: Database,
	handlerOptions: Omit<Parameters<typeof jobHandlers>[1], "clock">,
) {
	const app = createApp({ db: database.db });
	const { key } = await createApiKey(database.db, "write", "bench");
	const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
	await new Promise((r) => server.once("listening", r));
	const port = (server.address() as AddressInfo).port;
	const auth = `Basic ${Buffer.from(`${key}:`).toString("base64")}`;
	const stop = new AbortController();
	const worker = runWorker({
		db: database.db,
		handlers: jobHandlers(database.db, { clock: systemClock, ...handlerOptions }),
		subscribe: (wake) => database.listen(JOBS_CHANNEL, wake),
		signal: stop.signal,
	});
	return {
		port,
		auth,
		/** sends one batch and returns once it is stored (the response leaves after the commit) */
		async post(batch: unknown[]) {
			const response = await fetch(`http://127.0.0.1:${port}/v1/batch`, {
				method: "POST",
				headers: { authorization: auth, "content-type": "application/json" },
				body: JSON.stringify({ batch }),
			});
			await response.text();
		},
		async close() {
			stop.abort();
			await worker;
			await new Promise((r) => server.close(r));
		},
	};
}
