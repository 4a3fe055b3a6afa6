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
import { allowListOf } from "../src/app/outbound-http.js";
import { setUpStore } from "../src/app/set-up-store.js";
import { createEndpoint } from "../src/app/webhook-endpoints.js";
import { openDatabase } from "../src/storage/database.js";
import { freshDatabase, quantile } from "./bench-database.js";
import { serveWithWorker } from "./bench-server.js";
import { underHalfLoad } from "./half-load.js";

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

	const served = await serveWithWorker(database, { webhookAllow: allowListOf("127.0.0.0/8") });

	// Each sample: a new lead asks for a demo (a hand-raiser: one event, one crossing).
	let n = 0;
	async function sample(): Promise<number> {
		const email = `bench-${n++}@latency.io`;
		await served.post([
			{ type: "identify", userId: email, traits: { email } },
			{ type: "track", userId: email, event: "Demo Requested" },
		]);
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

	const { result: loaded, maxRate, achieved: rate } = await underHalfLoad(served, samples);
	const achieved = Math.round(rate);

	await served.close();
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
