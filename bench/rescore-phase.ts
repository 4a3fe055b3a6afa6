// One phase of the rescore bench, in a process of its own; prints its result as JSON.
import { sql } from "kysely";
import { activeModel } from "../src/app/active-model.js";
import { rescoreAll } from "../src/app/rescore.js";
import { openDatabase } from "../src/storage/database.js";
import { historiesOf } from "../src/storage/score-rows.js";

const database = await openDatabase({ url: process.env.BENCH_PHASE_URL ?? "", poolSize: 2 });
const started = performance.now();
let events = 0;
if (process.argv[2] === "read") {
	const model = await activeModel(database.db);
	if (!model) throw new Error("no model");
	let after = "00000000-0000-0000-0000-000000000000";
	for (;;) {
		const leads = await sql<{ id: string }>`select id from leads where merged_into is null and id > ${after}::uuid
			order by id limit 500`.execute(database.db);
		const last = leads.rows[leads.rows.length - 1];
		if (!last) break;
		const first = leads.rows[0]?.id ?? after;
		const histories = await historiesOf(database.db, { from: first, to: last.id }, model.model);
		for (const history of histories.values()) events += history.length;
		after = last.id;
	}
} else {
	events = (await rescoreAll(database.db, { concurrency: 2, now: new Date() })).events;
}
const ms = performance.now() - started;
await database.close();
console.log(JSON.stringify({ events, ms, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
