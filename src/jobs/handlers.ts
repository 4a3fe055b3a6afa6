import type { Db } from "../storage/database.js";
import type { JobHandler } from "./worker.js";

/**
 * Every job kind and its handler, in one place. Later features (webhook delivery, email
 * sends, SLA timers) add theirs here.
 */
export function jobHandlers(_db: Db): Record<string, JobHandler> {
	return {};
}
