#!/usr/bin/env node
import { AppError } from "../domain/errors.js";
import { backtestCommand } from "./commands/backtest.js";
import { demoCommand } from "./commands/demo.js";
import { importCommand } from "./commands/import.js";
import { keysCommand } from "./commands/keys.js";
import { migrateCommand } from "./commands/migrate.js";
import { modelsCommand } from "./commands/models.js";
import { predictCommand } from "./commands/predict.js";
import { rescoreCommand } from "./commands/rescore.js";
import { serveCommand } from "./commands/serve.js";
import { usersCommand } from "./commands/users.js";
import { workerCommand } from "./commands/worker.js";

const COMMANDS: Record<string, { summary: string; run: (args: string[]) => Promise<void> }> = {
	serve: { summary: "serve the API (and run jobs in-process unless --no-worker)", run: serveCommand },
	worker: { summary: "run background jobs", run: workerCommand },
	migrate: { summary: "apply database migrations", run: migrateCommand },
	keys: { summary: "create, list and revoke API keys", run: keysCommand },
	users: { summary: "create, list and disable users (admin, marketing, sales)", run: usersCommand },
	models: { summary: "list, validate, draft and publish scoring models", run: modelsCommand },
	rescore: { summary: "rebuild every lead's score from its history", run: rescoreCommand },
	backtest: { summary: "judge a draft against the active model on a window of history", run: backtestCommand },
	predict: { summary: "train the predictive score on history and print its model card", run: predictCommand },
	demo: { summary: "load a realistic synthetic B2B funnel", run: demoCommand },
	import: { summary: "check a CSV of leads, events or outcomes before importing it (--dry-run)", run: importCommand },
};

const USAGE = `Usage: qualify <command> [options]

Commands:
${Object.entries(COMMANDS)
	.map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
	.join("\n")}

Run 'qualify <command> --help' for a command's options.
Data: embedded PGlite in ./.qualify (QUALIFY_DATA_DIR), or PostgreSQL when DATABASE_URL is set.`;

async function main(argv: string[]) {
	const [name, ...args] = argv;
	if (!name || name === "--help" || name === "-h" || name === "help") {
		console.log(USAGE);
		return;
	}
	const command = COMMANDS[name];
	if (!command) {
		console.error(`Unknown command "${name}".\n\n${USAGE}`);
		process.exitCode = 2;
		return;
	}
	await command.run(args);
}

main(process.argv.slice(2)).catch((error: unknown) => {
	if (error instanceof AppError || error instanceof TypeError) {
		console.error(`qualify: ${error.message}`);
	} else {
		console.error(error);
	}
	process.exitCode = 1;
});
