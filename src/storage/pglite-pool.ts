import type { PGlite } from "@electric-sql/pglite";

/** The slice of node-postgres that Kysely's PostgresDialect uses. */
export interface PoolClientLike {
	query(sql: string, params?: readonly unknown[]): Promise<{ rows: unknown[]; rowCount: number; command: string }>;
	release(): void;
}

/** The statement's command tag, as node-postgres reports it: Kysely counts affected rows by it. */
function commandOf(sql: string): string {
	return /^\s*(insert|update|delete|merge|select)\b/i.exec(sql)?.[1]?.toUpperCase() ?? "";
}

/**
 * Presents one PGlite instance as a node-postgres pool, so that one query layer
 * (Kysely's PostgresDialect) serves both backends. PGlite has a single session, so a
 * client is exclusive until released: a transaction never interleaves with another.
 */
export class PglitePool {
	#queue: Promise<void> = Promise.resolve();

	constructor(readonly pglite: PGlite) {}

	async connect(): Promise<PoolClientLike> {
		let release!: () => void;
		const previous = this.#queue;
		this.#queue = new Promise((resolve) => {
			release = resolve;
		});
		await previous;
		const pglite = this.pglite;
		return {
			async query(sql, params = []) {
				// Parameterless text may hold several statements (migrations): use the simple protocol.
				if (params.length === 0) {
					const results = await pglite.exec(sql);
					const last = results[results.length - 1];
					return { rows: last?.rows ?? [], rowCount: last?.affectedRows ?? last?.rows.length ?? 0, command: "" };
				}
				const result = await pglite.query(sql, params as unknown[]);
				const rowCount = result.fields.length > 0 ? result.rows.length : (result.affectedRows ?? 0);
				return { rows: result.rows, rowCount, command: commandOf(sql) };
			},
			release,
		};
	}

	async end(): Promise<void> {
		await this.#queue;
		await this.pglite.close();
	}
}
