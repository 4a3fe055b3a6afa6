/**
 * The server's CPU per ingested event: `qualify serve` runs as a process of its own on
 * PostgreSQL, the load generator in this one sends demo batches of 100, and the server's
 * user + system CPU time (from /proc) is divided by the events it stored. Phases: without a
 * model, with the default model, and with gzip bodies. The baseline, measured in the same
 * run, is this process parsing and re-serialising the same bodies (the least any server must do).
 *
 *   npm run bench:cpu     (BENCH_EVENTS, BENCH_CONCURRENCY, BENCH_DATABASE_URL, BENCH_PHASE=N for one
 *                          phase; BENCH_PROFILE=1 writes the server's .cpuprofile)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { gzipSync } from "node:zlib";
import { sql } from "kysely";
import { openDatabase } from "../src/storage/database.js";
import { freshDatabase } from "./bench-database.js";
import { demoMessages } from "./demo-events.js";

const TOTAL = Number(process.env.BENCH_EVENTS ?? 50_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const PROFILE = process.env.BENCH_PROFILE === "1";
const TICK_US = 1_000_000 / 100; // /proc reports CPU in clock ticks, 100 a second on Linux

/** User + system CPU of a process, in microseconds. */
function cpuOf(pid: number): number {
	const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
	return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

async function startServer(
	url: string,
	profileDir: string | null,
): Promise<{ child: ChildProcess; base: string; key: string }> {
	const port = String(30_000 + Math.floor(Math.random() * 20_000));
	const args = [
		...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []),
		"dist/cli/main.js",
		"serve",
		"--no-worker",
	];
	const child = spawn(process.execPath, args, {
		env: { ...process.env, DATABASE_URL: url, PORT: port, HOST: "127.0.0.1", LOG_LEVEL: "warn" },
		stdio: ["ignore", "pipe", "inherit"],
	});
	let output = "";
	child.stdout?.on("data", (d) => {
		output += d;
	});
	for (let i = 0; i < 600 && !/is serving/.test(output); i++) await new Promise((r) => setTimeout(r, 100));
	const key = /write key:\s+(\S+)/.exec(output)?.[1];
	if (!key) throw new Error(`the server did not start:\n${output}`);
	return { child, base: `http://127.0.0.1:${port}`, key };
}

async function send(base: string, key: string, bodies: (string | Buffer)[], headers: Record<string, string>) {
	const generator = new Worker(new URL("./load-generator.mjs", import.meta.url), {
		workerData: {
			url: `${base}/v1/batch`,
			auth: `Basic ${Buffer.from(`${key}:`).toString("base64")}`,
			bodies,
			concurrency: CONCURRENCY,
			headers,
		},
	});
	return new Promise<{ stored: number }>((resolve, reject) => {
		generator.once("message", resolve);
		generator.once("error", reject);
	});
}

/** The baseline: parsing and re-serialising each body once, in this process, timed by its own CPU. */
function parseBaseline(bodies: string[]): number {
	const before = process.cpuUsage();
	for (const body of bodies) JSON.stringify(JSON.parse(body));
	const used = process.cpuUsage(before);
	return (used.user + used.system) / TOTAL;
}

async function main() {
	const messages = demoMessages(TOTAL);
	const json: string[] = [];
	for (let i = 0; i < messages.length; i += 100) json.push(JSON.stringify({ batch: messages.slice(i, i + 100) }));
	const gzipped = json.map((body) => gzipSync(body));
	const url = await freshDatabase("qualify_bench_cpu");
	const profileDir = PROFILE ? await mkdtemp(join(tmpdir(), "qualify-cpu-")) : null;
	const server = await startServer(url, profileDir);
	const database = await openDatabase({ url, poolSize: 2 });
	const models = await sql<{ id: string; document: unknown }>`select id, document from scoring_models`.execute(
		database.db,
	);
	const reset = () =>
		sql`truncate events, message_ids, identities, leads, lead_merges, lead_scores, stage_changes, handoffs, jobs, webhook_messages`.execute(
			database.db,
		);
	const setModel = async (on: boolean) => {
		await sql`delete from scoring_models`.execute(database.db);
		if (on)
			for (const row of models.rows)
				await sql`insert into scoring_models (id, name, status, version, document, published_at)
					values (${row.id}, 'default', 'published', 1, ${JSON.stringify(row.document)}::jsonb, now())`.execute(
					database.db,
				);
	};
	console.log(
		`server CPU per event: ${TOTAL.toLocaleString("en")} demo events in batches of 100, ${CONCURRENCY} clients, PostgreSQL`,
	);
	const baseline = parseBaseline(json);
	const phases: [string, boolean, (string | Buffer)[], Record<string, string>][] = [
		["no model, JSON          ", false, json, {}],
		["default model, JSON     ", true, json, {}],
		["no model, gzip          ", false, gzipped, { "content-encoding": "gzip" }],
		["default model, gzip     ", true, gzipped, { "content-encoding": "gzip" }],
	];
	// One warm-up pass, so that the JIT and the connection pool are ready before counting.
	await setModel(true);
	await send(server.base, server.key, json.slice(0, 100), {});
	await send(server.base, server.key, gzipped.slice(100, 150), { "content-encoding": "gzip" }).catch(() => {});
	// BENCH_PHASE=2 runs only the second phase (for a profile of one kind of load).
	const only = Number(process.env.BENCH_PHASE ?? 0);
	for (const [label, model, bodies, headers] of phases.filter((_, i) => !only || i + 1 === only)) {
		await reset();
		await setModel(model);
		const cpu = server.child.pid ? cpuOf(server.child.pid) : 0;
		const started = performance.now();
		const { stored } = await send(server.base, server.key, bodies, headers).catch((error: Error) => {
			console.log(`${label}: refused (${error.message.slice(0, 80)})`);
			return { stored: 0 };
		});
		if (stored === 0) continue;
		const seconds = (performance.now() - started) / 1000;
		const used = (server.child.pid ? cpuOf(server.child.pid) : 0) - cpu;
		const perEvent = used / stored;
		console.log(
			`${label}: ${perEvent.toFixed(1)} µs CPU an event (${(perEvent / baseline).toFixed(0)}× the parse baseline), ${Math.round(stored / seconds).toLocaleString("en")} events/s, ${stored.toLocaleString("en")} stored`,
		);
	}
	console.log(
		`parse baseline           : ${baseline.toFixed(2)} µs an event (JSON.parse + JSON.stringify in this process)`,
	);
	server.child.kill("SIGTERM");
	await new Promise((resolve) => server.child.once("exit", resolve));
	if (profileDir)
		console.log(
			`CPU profile of the server in ${profileDir} (summarise with: npx tsx bench/profile-summary.ts ${profileDir})`,
		);
	await database.close();
}

main().catch((error) => {
	console.error(error);
	process.exit(1); // the server child would keep this process alive
});
