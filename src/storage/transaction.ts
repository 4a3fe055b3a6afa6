import type { Transaction } from "kysely";
import { errorCode } from "../domain/errors.js";
import type { Db } from "./database.js";
import type { Tables } from "./tables.js";

const RETRYABLE = new Set(["40001", "40P01"]); // serialization failure, deadlock

/** Runs fn in a transaction, again from the start when PostgreSQL asks for a retry. */
export async function inTransaction<T>(db: Db, fn: (trx: Transaction<Tables>) => Promise<T>, attempts = 5): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await db.transaction().execute(fn);
		} catch (error) {
			const code = errorCode(error);
			if (!code || !RETRYABLE.has(code) || attempt >= attempts) throw error;
			await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
		}
	}
}
