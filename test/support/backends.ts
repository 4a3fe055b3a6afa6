import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import pg from "pg";
import { inject } from "vitest";
import { type Database, openDatabase } from "../../src/storage/database.js";
import { withDatabase } from "./global-setup.js";

export interface Backend {
	name: "pglite" | "postgres";
	/** a fresh, migrated database of its own */
	open(): Promise<Database>;
}

const pgliteBackend: Backend = {
	name: "pglite",
	async open() {
		const dump = await readFile(inject("pgliteTemplate"));
		return openDatabase({ loadDataDir: new Blob([dump]) });
	},
};

function postgresBackend(url: string, template: string): Backend {
	return {
		name: "postgres",
		async open() {
			const name = `qualify_test_${randomBytes(6).toString("hex")}`;
			const admin = new pg.Client({ connectionString: url });
			await admin.connect();
			await admin.query(`create database ${name} template ${template}`);
			await admin.end();
			const database = await openDatabase({ url: withDatabase(url, name), poolSize: 8 });
			return {
				...database,
				async close() {
					await database.close();
					const dropper = new pg.Client({ connectionString: url });
					await dropper.connect();
					await dropper.query(`drop database if exists ${name} with (force)`);
					await dropper.end();
				},
			};
		},
	};
}

/** PGlite always; PostgreSQL too when QUALIFY_TEST_DATABASE_URL names a server. */
export function backends(): Backend[] {
	const url = process.env.QUALIFY_TEST_DATABASE_URL;
	const template = inject("postgresTemplate");
	return url && template ? [pgliteBackend, postgresBackend(url, template)] : [pgliteBackend];
}
