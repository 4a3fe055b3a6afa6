import { loadDemo } from "../../app/load-demo.js";
import { systemClock } from "../../app/system-clock.js";
import { readConfig } from "../config.js";
import { openStore } from "../open-store.js";
import { progressReporter } from "../progress.js";
import { parseCommand, positiveInt } from "./args.js";

const USAGE = `Usage: qualify demo [--leads N] [--seed S]

Loads a synthetic B2B funnel (default 2,000 leads, seed 1) through the ingest path.
The same seed on the same day gives the same data, and loading it twice stores nothing new.`;

export async function demoCommand(args: string[]) {
	const parsed = parseCommand(args, { leads: { type: "string" }, seed: { type: "string" } }, USAGE);
	if (!parsed) return;
	const leads = positiveInt(parsed.values.leads, "leads", 2000);
	const seed = positiveInt(parsed.values.seed, "seed", 1);
	const store = await openStore(readConfig());
	const started = Date.now();
	const progress = progressReporter();
	const today = systemClock.now();
	today.setUTCHours(0, 0, 0, 0);
	try {
		const summary = await loadDemo(store.db, { leads, seed, now: today }, (s) => {
			progress.update(`loading the demo: ${s.leads} leads, ${s.stored + s.duplicates} events…`);
		});
		progress.done();
		const seconds = (Date.now() - started) / 1000;
		console.log(
			`Demo loaded into ${store.where}: ${summary.leads} leads, ${summary.events} events (${summary.stored} new, ${summary.duplicates} already there) in ${seconds.toFixed(1)} s; ${summary.converters} hidden converters.`,
		);
		if (summary.sales)
			console.log(
				`The demo sales team (Demo sales, 3 people) accepted ${summary.sales.accepted} MQLs, won ${summary.sales.won}, rejected ${summary.sales.rejected} with a reason, and has ${summary.sales.open} open in its queue.`,
			);
	} finally {
		await store.close();
	}
}
