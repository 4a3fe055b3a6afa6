import { join } from "node:path";
import { setUpStore } from "../app/set-up-store.js";
import { lockDataDir } from "../storage/data-dir-lock.js";
import { type Database, openDatabase } from "../storage/database.js";
import type { Config } from "./config.js";

export interface Store extends Database {
	/** where the data lives, for messages (never the URL's password) */
	where: string;
}

/** Opens the configured database, locked and migrated. */
export async function openStore(config: Config, options: { migrate?: boolean } = {}): Promise<Store> {
	let database: Database;
	let where: string;
	if (config.databaseUrl) {
		database = await openDatabase({ url: config.databaseUrl });
		const url = new URL(config.databaseUrl);
		where = `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
	} else {
		const unlock = lockDataDir(config.dataDir);
		try {
			const embedded = await openDatabase({ dataDir: join(config.dataDir, "pgdata") });
			database = {
				...embedded,
				close: async () => {
					await embedded.close();
					unlock();
				},
			};
		} catch (error) {
			unlock();
			throw error;
		}
		where = `embedded PGlite in ${config.dataDir}`;
	}
	if (options.migrate !== false) {
		try {
			await setUpStore(database.db);
		} catch (error) {
			await database.close();
			throw error;
		}
	}
	return { ...database, where };
}
