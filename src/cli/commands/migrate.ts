import { installDefaultModel } from "../../app/scoring-models.js";
import { migrate } from "../../storage/migrate.js";
import { readConfig } from "../config.js";
import { openStore } from "../open-store.js";
import { parseCommand } from "./args.js";

export async function migrateCommand(args: string[]) {
	if (
		!parseCommand(
			args,
			{},
			"Usage: qualify migrate\n\nApplies any migrations the database lacks; a new store gets the default scoring model.",
		)
	)
		return;
	const config = readConfig();
	const store = await openStore(config, { migrate: false });
	try {
		const applied = await migrate(store.db);
		await installDefaultModel(store.db);
		console.log(
			applied.length > 0 ? `Applied ${applied.join(", ")} to ${store.where}.` : `${store.where} is up to date.`,
		);
	} finally {
		await store.close();
	}
}
