/**
 * Can a million-row CSV be checked and imported without holding it in memory? Streams 1,000,000
 * generated rows (BENCH_ROWS) through csv-parse alone (the baseline: reading without checking),
 * through `checkImport` (the dry run), and through `runImport` into a fresh PostgreSQL database
 * (BENCH_WRITE=0 skips it), and reports rows/s, the ratio to the baseline, and the process's
 * peak resident memory during each.
 *
 *   npm run bench:import
 */
import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { checkImport } from "../src/app/import/check-import.js";
import { runImport } from "../src/app/import/run-import.js";
import { setUpStore } from "../src/app/set-up-store.js";
import { openDatabase } from "../src/storage/database.js";
import { freshDatabase } from "./bench-database.js";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);

/** A CRM export: one row per lead, aggregate activity columns, day-first dates, a converted flag. */
function* csv(): Generator<string> {
	yield "lead_id,email,company,origin,first_contact_date,visits,time_on_site,pages_per_visit,last_activity,converted\n";
	for (let i = 0; i < ROWS; i++) {
		const day = String((i % 28) + 1).padStart(2, "0");
		const month = String((i % 12) + 1).padStart(2, "0");
		yield `L${i},lead${i}@company${i % 5000}.com,Company ${i % 5000},${["organic_search", "paid_search", "email", ""][i % 4]},${day}-${month}-2023,${i % 40},${(i % 3600) / 10},${(i % 9) + 1}.5,${day}-${month}-2024 10:${String(i % 60).padStart(2, "0")},${i % 9 === 0 ? "TRUE" : "FALSE"}\n`;
	}
}
const stream = () => Readable.from(csv(), { objectMode: false });

async function measure(label: string, run: () => Promise<number>) {
	let peak = process.memoryUsage().rss;
	const timer = setInterval(() => {
		peak = Math.max(peak, process.memoryUsage().rss);
	}, 50);
	const started = performance.now();
	const rows = await run();
	const seconds = (performance.now() - started) / 1000;
	clearInterval(timer);
	peak = Math.max(peak, process.memoryUsage().rss);
	return { label, rows, seconds, rate: rows / seconds, peakMb: peak / 2 ** 20 };
}

const baseline = await measure("csv-parse alone", async () => {
	let rows = 0;
	for await (const _ of stream().pipe(parse({ bom: true }))) rows++;
	return rows - 1;
});
global.gc?.();
const checked = await measure("dry run (checkImport)", async () => (await checkImport(stream(), "leads")).rows);
const results = [baseline, checked];
if (process.env.BENCH_WRITE !== "0") {
	const database = await openDatabase({ url: await freshDatabase("qualify_bench_import"), poolSize: 4 });
	await setUpStore(database.db);
	global.gc?.();
	let lastSaid = 0;
	results.push(
		await measure("import into PostgreSQL (runImport)", async () => {
			const summary = await runImport(database.db, stream(), "leads", {
				now: new Date("2026-12-01T00:00:00Z"),
				actorId: null,
				onProgress: (rows) => {
					if (rows - lastSaid >= 100_000) {
						lastSaid = rows;
						console.error(`  imported ${rows.toLocaleString("en-US")} rows…`);
					}
				},
			});
			if (summary.rejected > 0)
				throw new Error(`${summary.rejected} rows rejected: ${JSON.stringify(summary.problems[0])}`);
			return summary.rows;
		}),
	);
	await database.close();
}

console.log("| reading | rows | seconds | rows/s | ÷ baseline | peak RSS, MB |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
for (const r of results)
	console.log(
		`| ${r.label} | ${r.rows.toLocaleString("en-US")} | ${r.seconds.toFixed(1)} | ${Math.round(r.rate).toLocaleString("en-US")} | ${(baseline.rate / r.rate).toFixed(2)}× slower | ${r.peakMb.toFixed(0)} |`,
	);
