import { trainAndScore, trainPredictive } from "../../app/predictive.js";
import { systemClock } from "../../app/system-clock.js";
import { readConfig } from "../config.js";
import { openStore } from "../open-store.js";
import { progressReporter } from "../progress.js";
import { parseCommand } from "./args.js";

const USAGE = `Usage: qualify predict --cutoff YYYY-MM-DD [--after-outcome TRAIT,…] [--save]

Trains the predictive score on your history and prints its model card: the leads known before
the cut-off, described as of it (traits; what they did up to it), labelled by whether they
reached SQL after it. A plain logistic regression and boosted trees are cross-validated (5
folds) on the same columns; the card gives both AUCs, the calibration of the better one and
what it leans on. Columns that give the outcome away on their own are flagged and left out;
--after-outcome names traits set only once the outcome is known (a sales tag), kept out too.
--save keeps the model and scores every lead with it: its chance of reaching SQL and the
reasons that weigh most, shown on the lead's page. Using it in MQL rules comes next.`;

const percent = (r: number) => `${(r * 100).toFixed(1)}%`;

export async function predictCommand(args: string[]) {
	const parsed = parseCommand(
		args,
		{ cutoff: { type: "string" }, "after-outcome": { type: "string" }, save: { type: "boolean" } },
		USAGE,
	);
	if (!parsed) return;
	const { cutoff } = parsed.values;
	if (!cutoff || !/^\d{4}-\d{2}-\d{2}$/.test(cutoff)) throw new TypeError("--cutoff is a day, YYYY-MM-DD");
	const afterOutcome = (parsed.values["after-outcome"] ?? "")
		.split(",")
		.map((t) => t.trim())
		.filter(Boolean);
	const store = await openStore(readConfig());
	const progress = progressReporter();
	try {
		const options = {
			cutoff: new Date(`${cutoff}T00:00:00Z`),
			afterOutcome,
			onProgress: (n: number) => progress.update(`reading history: ${n.toLocaleString("en-US")} leads…`),
		};
		const saved = parsed.values.save ? await trainAndScore(store.db, { ...options, now: systemClock.now() }) : null;
		const card = saved?.card ?? (await trainPredictive(store.db, options));
		progress.done();
		console.log(
			`\n${card.leads.toLocaleString("en-US")} leads known before ${cutoff}, ${card.converted.toLocaleString("en-US")} reached SQL after it; ${card.columns} columns; ${(card.elapsedMs / 1000).toFixed(1)} s.`,
		);
		console.log(
			`Cross-validated AUC: logistic regression ${card.auc.logistic?.toFixed(3) ?? "—"}, boosted trees ${card.auc.boosted?.toFixed(3) ?? "—"}; chosen: ${card.chosen}.`,
		);
		for (const leak of card.leaky)
			console.log(`Left out, it gives the outcome away on its own: ${leak.column} (AUC ${leak.auc.toFixed(3)})`);
		console.log("\nLeans on:");
		for (const d of card.drivers) console.log(`  ${d.column.padEnd(40)} ${d.weight.toFixed(3)}`);
		console.log("\nCalibration (predicted → observed, in tenths of the predictions):");
		for (const row of card.calibration)
			console.log(
				`  ${percent(row.predicted).padStart(6)} → ${percent(row.observed).padStart(6)}  (${row.leads} leads)`,
			);
	} finally {
		await store.close();
	}
}
