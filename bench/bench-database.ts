import pg from "pg";

/** The PostgreSQL server the benchmarks use (BENCH_DATABASE_URL), at its maintenance database. */
export const BENCH_SERVER = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** The URL of a database on the bench server. */
export function benchDatabaseUrl(name: string): string {
	const url = new URL(BENCH_SERVER);
	url.pathname = `/${name}`;
	return url.toString();
}

/** Drops and creates a database on the bench server; returns its URL. */
export async function freshDatabase(name: string): Promise<string> {
	const admin = new pg.Client({ connectionString: BENCH_SERVER });
	await admin.connect();
	await admin.query(`drop database if exists ${name} with (force)`);
	await admin.query(`create database ${name}`);
	await admin.end();
	return benchDatabaseUrl(name);
}

/** The q-quantile of some timings (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
