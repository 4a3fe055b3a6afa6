import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { setUpStore } from "../../src/app/set-up-store.js";
import { type Database, openDatabase } from "../../src/storage/database.js";

declare module "vitest" {
	export interface ProvidedContext {
		pgliteTemplate: string;
		postgresTemplate: string | null;
		/** Debian's Chromium is installed: the browser tests run */
		chromium: boolean;
	}
}

export const CHROMIUM = "/usr/bin/chromium";
// CI sets QUALIFY_TEST_ALL=1: a suite that would be skipped fails the run instead.
const requireAll = process.env.QUALIFY_TEST_ALL === "1";

/** Says, in one line, what will not run here and how to make it run (or refuses, in CI). */
function notice(message: string) {
	if (requireAll) throw new Error(`QUALIFY_TEST_ALL is set, but ${message}`);
	process.stdout.write(`\n${message}\n`);
}

/** The CLI tests run the built CLI: built once here (incrementally), never per test. */
function buildCli() {
	const tsc = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));
	const root = fileURLToPath(new URL("../..", import.meta.url));
	const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, encoding: "utf8" });
	if (result.status !== 0) throw new Error(`building the CLI failed:\n${result.stdout}${result.stderr}`);
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
	buildCli();
	const chromium = existsSync(CHROMIUM);
	if (!chromium)
		notice(
			`Browser tests skipped: no Chromium at ${CHROMIUM}. Install it with "apt-get install -y chromium" to run them.`,
		);
	project.provide("chromium", chromium);
	const dir = join(tmpdir(), `qualify-test-${process.pid}`);
	await mkdir(dir, { recursive: true });
	const template = join(dir, "pglite-template.tar");
	const migrated = await openDatabase({});
	await setUpStore(migrated.db);
	await writeFile(template, new Uint8Array(await (await dumpOf(migrated)).arrayBuffer()));
	await migrated.close();
	project.provide("pgliteTemplate", template);

	const url = process.env.QUALIFY_TEST_DATABASE_URL;
	if (!url)
		notice(
			"PostgreSQL suites skipped (storage, ingest, HTTP and scoring run on PGlite only): set QUALIFY_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run them on PostgreSQL too.",
		);
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

/** More connections to the PostgreSQL test database `main` holds, as other processes would have. */
export async function sameDatabase(main: Database, url: string, count: number): Promise<Database[]> {
	const name = (await sql<{ db: string }>`select current_database() as db`.execute(main.db)).rows[0]?.db ?? "";
	return Promise.all(Array.from({ length: count }, () => openDatabase({ url: withDatabase(url, name), poolSize: 2 })));
}
