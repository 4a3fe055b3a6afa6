/**
 * Latency from the commit of the event that makes a lead an MQL to the webhook receiver's
 * 2xx: p50 and p99, idle and while ingest runs at half its maximum rate, same run.
 *
 *   npm run bench:latency     (BENCH_SAMPLES, default 200)
 *
 * The maximum is measured first in the same run: demo batches as fast as four clients go.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { serve } from "@hono/node-server";
import { createApiKey } from "../src/app/api-keys.js";
import { allowListOf } from "../src/app/outbound-http.js";
import { setUpStore } from "../src/app/set-up-store.js";
import { systemClock } from "../src/app/system-clock.js";
import { createEndpoint } from "../src/app/webhook-endpoints.js";
import { createApp } from "../src/http/app.js";
import { jobHandlers } from "../src/jobs/handlers.js";
import { runWorker } from "../src/jobs/worker.js";
import { openDatabase } from "../src/storage/database.js";
import { JOBS_CHANNEL } from "../src/storage/job-constants.js";
import { freshDatabase, quantile } from "./bench-database.js";
import { demoMessages } from "./demo-events.js";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);

async function main() {
	const url = await freshDatabase("qualify_bench_latency");
	const database = await openDatabase({ url, poolSize: 12 });
	await setUpStore(database.db);

	// The receiver notes when each MQL's webhook arrives (same clock as the sender's).
	const arrived = new Map<string, number>();
	const receiver = createServer((request, response) => {
		let body = "";
		request.on("data", (c) => {
			body += c;
		});
		request.on("end", () => {
			const leadEmail = JSON.parse(body).data?.lead?.email;
			if (typeof leadEmail === "string") arrived.set(leadEmail, performance.now());
			response.writeHead(204).end();
		});
	});
	await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
	await createEndpoint(
		database.db,
		{
			url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/mql`,
			description: "bench",
			events: ["lead.mql"],
			format: "standard",
			minScoreChange: 0,
		},
		allowListOf("127.0.0.0/8"),
	);

	const app = createApp({ db: database.db });
	const { key } = await createApiKey(database.db, "write", "bench");
	const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
	await new Promise((r) => server.once("listening", r));
	const port = (server.address() as AddressInfo).port;
	const auth = `Basic ${Buffer.from(`${key}:`).toString("base64")}`;
	const stop = new AbortController();
	const worker = runWorker({
		db: database.db,
		handlers: jobHandlers(database.db, { clock: systemClock, webhookAllow: allowListOf("127.0.0.0/8") }),
		subscribe: (wake) => database.listen(JOBS_CHANNEL, wake),
		signal: stop.signal,
	});

	// Each sample: a new lead asks for a demo (a hand-raiser: one event, one crossing).
	let n = 0;
	async function sample(): Promise<number> {
		const email = `bench-${n++}@latency.io`;
		const response = await fetch(`http://127.0.0.1:${port}/v1/batch`, {
			method: "POST",
			headers: { authorization: auth, "content-type": "application/json" },
			body: JSON.stringify({
				batch: [
					{ type: "identify", userId: email, traits: { email } },
					{ type: "track", userId: email, event: "Demo Requested" },
				],
			}),
		});
		await response.text();
		const committed = performance.now(); // the response leaves after the commit
		for (let i = 0; i < 2000 && !arrived.has(email); i++) await new Promise((r) => setTimeout(r, 1));
		const at = arrived.get(email);
		if (at === undefined) throw new Error(`no webhook for ${email}`);
		return Math.max(0, at - committed);
	}
	async function samples(): Promise<number[]> {
		const out: number[] = [];
		for (let i = 0; i < SAMPLES; i++) {
			out.push(await sample());
			await new Promise((r) => setTimeout(r, 10));
		}
		return out;
	}

	for (let i = 0; i < 20; i++) await sample(); // warm-up
	const idle = await samples();

	// The maximum ingest rate, here and now: 30,000 demo events as fast as four clients can send.
	const batches = (list: Record<string, unknown>[]) => {
		const out: string[] = [];
		for (let i = 0; i < list.length; i += 100) out.push(JSON.stringify({ batch: list.slice(i, i + 100) }));
		return out;
	};
	const generate = (bodies: string[], perSecond?: number) =>
		new Worker(new URL("./load-generator.mjs", import.meta.url), {
			workerData: { url: `http://127.0.0.1:${port}/v1/batch`, auth, bodies, concurrency: 4, perSecond },
		});
	const finished = (w: Worker) =>
		new Promise<{ stored: number }>((resolve, reject) => {
			w.once("message", resolve);
			w.once("error", reject);
		});
	const all = demoMessages(30_000 + 150_000);
	const started = performance.now();
	const burst = await finished(generate(batches(all.slice(0, 30_000))));
	const maxRate = burst.stored / ((performance.now() - started) / 1000);
	const loadRate = maxRate / 2;
	const generator = generate(batches(all.slice(30_000)), loadRate / 100);
	const loadStarted = performance.now();
	await new Promise((r) => setTimeout(r, 2000));
	const loaded = await samples();
	generator.postMessage("stop");
	const { stored } = await finished(generator);
	await generator.terminate();
	const achieved = Math.round(stored / ((performance.now() - loadStarted) / 1000));

	stop.abort();
	await worker;
	await new Promise((r) => server.close(r));
	await new Promise((r) => receiver.close(r));
	await database.close();
	const line = (label: string, v: number[]) =>
		`${label}: p50 ${quantile(v, 0.5).toFixed(1)} ms, p99 ${quantile(v, 0.99).toFixed(1)} ms, max ${Math.max(...v).toFixed(1)} ms (${v.length} MQLs)`;
	console.log(`handoff latency bench: commit of the crossing event → receiver's 2xx, PostgreSQL, loopback`);
	console.log(line("idle                          ", idle));
	console.log(
		line(
			`under load (${achieved.toLocaleString("en")} events/s; max ${Math.round(maxRate).toLocaleString("en")})`,
			loaded,
		),
	);
	console.log("goal: p99 ≤ 100 ms under load");
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
