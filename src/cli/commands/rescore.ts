import { rescoreAll } from "../../app/rescore.js";
import { systemClock } from "../../app/system-clock.js";
import { readConfig } from "../config.js";
import { openStore } from "../open-store.js";
import { progressReporter } from "../progress.js";
import { parseCommand, positiveInt } from "./args.js";

const USAGE = `Usage: qualify rescore [--version N] [--chunk N] [--concurrency N]

Rebuilds every lead's score from its whole history under the active scoring model (or
--version N), while ingest goes on. The result is exactly what incremental scoring gives.
  --chunk N        leads per transaction (default 500)
  --concurrency N  transactions in flight at once (default 2)`;

export async function rescoreCommand(args: string[]) {
	const parsed = parseCommand(
		args,
		{ version: { type: "string" }, chunk: { type: "string" }, concurrency: { type: "string" } },
		USAGE,
	);
	if (!parsed) return;
	const version = positiveInt(parsed.values.version, "version", 0);
	const chunkSize = positiveInt(parsed.values.chunk, "chunk", 500);
	const concurrency = positiveInt(parsed.values.concurrency, "concurrency", 2);
	const store = await openStore(readConfig());
	const progress = progressReporter();
	try {
		const summary = await rescoreAll(store.db, {
			...(version > 0 ? { version } : {}),
			chunkSize: Math.max(1, chunkSize),
			concurrency: Math.max(1, concurrency),
			now: systemClock.now(),
			onProgress: (p) => {
				const share = p.totalLeads > 0 ? Math.min(100, (p.leads / p.totalLeads) * 100) : 100;
				const rate = p.elapsedMs > 0 ? Math.round((p.events / p.elapsedMs) * 1000) : 0;
				progress.update(
					`rescoring: ${p.leads.toLocaleString("en")} / ${p.totalLeads.toLocaleString("en")} leads (${share.toFixed(0)}%), ${p.events.toLocaleString("en")} events, ${rate.toLocaleString("en")} events/s`,
				);
			},
		});
		progress.done();
		const seconds = summary.elapsedMs / 1000;
		const g = summary.byGrade;
		const t = summary.byTemperature;
		console.log(
			[
				`Rescored ${summary.leads.toLocaleString("en")} leads from ${summary.events.toLocaleString("en")} events under model version ${summary.modelVersion} in ${seconds.toFixed(1)} s (${Math.round(summary.events / Math.max(seconds, 0.001)).toLocaleString("en")} events/s), in ${store.where}.`,
				`  grades:       A ${g.A}, B ${g.B}, C ${g.C}, D ${g.D}`,
				`  temperatures: hot ${t.hot}, warm ${t.warm}, cold ${t.cold}`,
				`  qualified:    ${summary.qualified} (${summary.newMqls} became MQLs now)`,
			].join("\n"),
		);
	} finally {
		await store.close();
	}
}
