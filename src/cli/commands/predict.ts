import { trainAndScore, trainPredictive } from "../../app/predictive.js";
import { clearRetrainSchedule, retrainSchedule, setRetrainSchedule } from "../../app/predictive-schedule.js";
import { systemClock } from "../../app/system-clock.js";
import { readConfig } from "../config.js";
import { openStore } from "../open-store.js";
import { progressReporter } from "../progress.js";
import { parseCommand } from "./args.js";

const USAGE = `Usage: qualify predict --cutoff YYYY-MM-DD [--after-outcome TRAIT,…] [--save [--every DAYS]]
       qualify predict --schedule | --unschedule

Trains the predictive score on your history and prints its model card: the leads known before
the cut-off, described as of it (traits; what they did up to it), labelled by whether they
reached SQL after it. A plain logistic regression and boosted trees are cross-validated (5
folds) on the same columns; the card gives both AUCs, the calibration of the better one and
what it leans on. Columns that give the outcome away on their own are flagged and left out;
--after-outcome names traits set only once the outcome is known (a sales tag), kept out too.
--save keeps the model and scores every lead with it: its chance of reaching SQL and the
reasons that weigh most, shown on the lead's page. From then on the worker predicts each lead
again shortly after its history changes. Scoring models can use the chance: a fit rule or a
disqualifier on the field predictedChance (0 to 1), or "chanceAtLeast" in the qualification.
--every DAYS retrains on a schedule (by the worker of qualify serve or qualify worker), each
time on the leads known as long before as the cut-off is now. --schedule shows the schedule
and its last run; --unschedule stops it.`;

const percent = (r: number) => `${(r * 100).toFixed(1)}%`;

export async function predictCommand(args: string[]) {
	const parsed = parseCommand(
		args,
		{
			cutoff: { type: "string" },
			"after-outcome": { type: "string" },
			save: { type: "boolean" },
			every: { type: "string" },
			schedule: { type: "boolean" },
			unschedule: { type: "boolean" },
		},
		USAGE,
	);
	if (!parsed) return;
	const { cutoff, every } = parsed.values;
	if (parsed.values.schedule || parsed.values.unschedule) return scheduleCommand(Boolean(parsed.values.unschedule));
	if (every !== undefined && !(Number.isInteger(Number(every)) && Number(every) >= 1 && Number(every) <= 365))
		throw new TypeError("--every is a whole number of days, 1 to 365");
	if (every !== undefined && !parsed.values.save)
		throw new TypeError("--every needs --save: it retrains the kept model");
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
		const now = systemClock.now();
		const saved = parsed.values.save ? await trainAndScore(store.db, { ...options, now }) : null;
		if (saved && every !== undefined) {
			const horizonDays = Math.max(1, Math.round((now.getTime() - options.cutoff.getTime()) / 86_400_000));
			const schedule = await setRetrainSchedule(store.db, {
				everyDays: Number(every),
				horizonDays,
				afterOutcome,
				now,
			});
			progress.done();
			console.log(
				`Retraining every ${schedule.everyDays} days on the leads known ${horizonDays} days before; next on ${schedule.nextAt.slice(0, 10)}.`,
			);
		}
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
		console.log("\nSuggested rule points (10 a doubling of the odds), for a draft to backtest:");
		for (const rule of card.suggestedRules.slice(0, 15))
			console.log(
				`${`  ${rule.points > 0 ? "+" : ""}${rule.points}`.padEnd(7)} ${rule.kind === "trait" ? "when" : "each"} ${rule.key}`,
			);
		console.log("\nCalibration (predicted → observed, in tenths of the predictions):");
		for (const row of card.calibration)
			console.log(
				`  ${percent(row.predicted).padStart(6)} → ${percent(row.observed).padStart(6)}  (${row.leads} leads)`,
			);
	} finally {
		await store.close();
	}
}

async function scheduleCommand(stop: boolean) {
	const store = await openStore(readConfig());
	try {
		if (stop) {
			console.log(
				(await clearRetrainSchedule(store.db)) ? "Scheduled retraining stopped." : "No retraining was scheduled.",
			);
			return;
		}
		const schedule = await retrainSchedule(store.db);
		if (!schedule) {
			console.log("No retraining is scheduled. qualify predict --cutoff … --save --every DAYS schedules one.");
			return;
		}
		console.log(
			`Retraining every ${schedule.everyDays} days on the leads known ${schedule.horizonDays} days before${schedule.afterOutcome.length > 0 ? `, without ${schedule.afterOutcome.join(", ")}` : ""}; next on ${schedule.nextAt.slice(0, 10)}; last run ${schedule.lastRunAt?.slice(0, 10) ?? "never"}${schedule.lastError ? ` (failed: ${schedule.lastError})` : ""}.`,
		);
	} finally {
		await store.close();
	}
}
