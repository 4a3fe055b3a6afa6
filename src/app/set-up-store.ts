import type { Db } from "../storage/database.js";
import { migrate } from "../storage/migrate.js";
import { installDefaultModel } from "./scoring-models.js";

/** Brings a database up to date: migrations, then the default scoring model on a new store. */
export async function setUpStore(db: Db): Promise<void> {
	await migrate(db);
	await installDefaultModel(db);
}
