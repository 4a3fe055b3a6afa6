import { sql } from "kysely";
import type { Clock } from "../domain/clock.js";
import { AppError } from "../domain/errors.js";
import type { DemoStatus } from "../schemas/setup.js";
import type { Db } from "../storage/database.js";
import { loadDemo } from "./load-demo.js";

export const DEMO_LEADS = 2000;

export async function storeIsEmpty(db: Db): Promise<boolean> {
	const row = await sql<{ any: boolean }>`select exists (select 1 from leads) as any`.execute(db);
	return !row.rows[0]?.any;
}

/**
 * The demo, loaded by the server itself into an empty store (the first-run page asks for it),
 * so that nobody has to stop the server to run `qualify demo`. One load at a time; its progress
 * is read by polling.
 */
export function demoLoader(db: Db, clock: Clock) {
	let status: DemoStatus = { state: "idle", leads: 0, of: DEMO_LEADS, message: null };
	return {
		status: () => status,
		async start(): Promise<DemoStatus> {
			if (status.state === "loading") return status;
			if (!(await storeIsEmpty(db)))
				throw new AppError("conflict", "The store has leads already: the demo loads only into an empty store.");
			status = { state: "loading", leads: 0, of: DEMO_LEADS, message: null };
			const today = clock.now();
			today.setUTCHours(0, 0, 0, 0);
			loadDemo(db, { leads: DEMO_LEADS, seed: 1, now: today }, (s) => {
				status = { ...status, leads: s.leads };
			}).then(
				(s) => {
					status = {
						state: "done",
						leads: s.leads,
						of: DEMO_LEADS,
						message: `Loaded ${s.leads} demo leads and ${s.stored} events${s.sales ? `; the demo sales team has ${s.sales.open} MQLs open` : ""}.`,
					};
				},
				(error: unknown) => {
					status = { ...status, state: "failed", message: error instanceof Error ? error.message : String(error) };
				},
			);
			return status;
		},
	};
}
