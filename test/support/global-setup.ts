import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { setUpStore } from "../../src/app/set-up-store.js";
import { openDatabase } from "../../src/storage/database.js";

declare module "vitest" {
	export interface ProvidedContext {
		pgliteTemplate: string;
		postgresTemplate: string | null;
	}
}

/** Migrates once, then every test database starts as a copy: a PGlite dump, a PostgreSQL template. */
/** The browser tests need the built web app; a clean checkout builds it once here. */
async function ensureWebBuilt() {
	const root = fileURLToPath(new URL("../../web", import.meta.url));
	if (existsSync(join(root, "dist", "index.html"))) return;
	const { build } = await import("vite");
	await build({ configFile: join(root, "vite.config.ts"), logLevel: "warn" });
}

export default async function setup(project: TestProject) {
	await ensureWebBuilt();
	const dir = join(tmpdir(), `qualify-test-${process.pid}`);
	await mkdir(dir, { recursive: true });
	const template = join(dir, "pglite-template.tar");
	const migrated = await openDatabase({});
	await setUpStore(migrated.db);
	await writeFile(template, new Uint8Array(await (await dumpOf(migrated)).arrayBuffer()));
	await migrated.close();
	project.provide("pgliteTemplate", template);

	const url = process.env.QUALIFY_TEST_DATABASE_URL;
	let postgresTemplate: string | null = null;
	if (url) {
		postgresTemplate = `qualify_template_${process.pid}`;
		const admin = new pg.Client({ connectionString: url });
		await admin.connect();
		await admin.query(`drop database if exists ${postgresTemplate}`);
		await admin.query(`create database ${postgresTemplate}`);
		const templateDb = await openDatabase({ url: withDatabase(url, postgresTemplate), poolSize: 1 });
		await setUpStore(templateDb.db);
		await templateDb.close();
		await admin.end();
	}
	project.provide("postgresTemplate", postgresTemplate);
	return async () => {
		if (url && postgresTemplate) {
			const admin = new pg.Client({ connectionString: url });
			await admin.connect();
			await admin.query(`drop database if exists ${postgresTemplate} with (force)`);
			await admin.end();
		}
	};
}

export function withDatabase(url: string, name: string): string {
	const parsed = new URL(url);
	parsed.pathname = `/${name}`;
	return parsed.toString();
}

async function dumpOf(database: Awaited<ReturnType<typeof openDatabase>>): Promise<Blob> {
	if (!database.pglite) throw new Error("not a PGlite database");
	return database.pglite.dumpDataDir("none");
}
