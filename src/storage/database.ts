import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect, type PostgresPool } from "kysely";
import pg from "pg";
import { PglitePool } from "./pglite-pool.js";
import type { Tables } from "./tables.js";

// Counts and ids fit in a double; read int8 as a number on both backends alike.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));
pg.types.setTypeParser(1700, (value) => Number.parseFloat(value));

export type Db = Kysely<Tables>;

export interface Database {
	readonly kind: "pglite" | "postgres";
	readonly db: Db;
	/** the embedded instance, for dumps and tests; absent on PostgreSQL */
	readonly pglite?: PGlite;
	/** the PostgreSQL server's address, for worker threads that need connections of their own */
	readonly url?: string;
	/** calls back on each NOTIFY on the channel (delivered at commit); returns how to stop */
	listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
	close(): Promise<void>;
}

export type DatabaseConfig = { url: string; poolSize?: number } | { dataDir?: string; loadDataDir?: Blob };

/** Opens PostgreSQL when given a URL, otherwise embedded PGlite (in memory without a dataDir). */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
	if ("url" in config) {
		const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize ?? 10 });
		pool.on("error", () => {}); // an idle client's lost connection is replaced on next use
		const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
		const listeners = new Set<pg.Client>();
		const listen = async (channel: string, onNotify: () => void) => {
			// A connection of its own: LISTEN holds its session for as long as it listens.
			const client = new pg.Client({ connectionString: config.url });
			client.on("error", () => {});
			await client.connect();
			listeners.add(client);
			client.on("notification", onNotify);
			await client.query(`listen ${pg.Client.prototype.escapeIdentifier(channel)}`);
			return async () => {
				if (listeners.delete(client)) await client.end();
			};
		};
		// Closing the database ends any listener still open, so that the process can exit.
		const close = async () => {
			await Promise.all([...listeners].map((client) => client.end()));
			listeners.clear();
			await db.destroy();
		};
		return { kind: "postgres", db, url: config.url, listen, close };
	}
	const pglite = new PGlite({ dataDir: config.dataDir, loadDataDir: config.loadDataDir });
	await pglite.waitReady;
	const pool = new PglitePool(pglite);
	const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: pool as unknown as PostgresPool }) });
	const listen = async (channel: string, onNotify: () => void) => {
		const stop = await pglite.listen(channel, onNotify);
		return () => stop();
	};
	return { kind: "pglite", db, pglite, listen, close: () => db.destroy() };
}
