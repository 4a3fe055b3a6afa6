import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { backends } from "./support/backends.js";
import { withDatabase } from "./support/global-setup.js";

const run = promisify(execFile);
const url = process.env.QUALIFY_TEST_DATABASE_URL;
const postgres = backends().find((b) => b.name === "postgres");

describe.skipIf(!url || !postgres)("automatic MQL under concurrent ingest on PostgreSQL", () => {
	it("moves each lead to MQL exactly once when three processes push it over at the same moment", async () => {
		if (!url || !postgres) return;
		const main = await postgres.open();
		try {
			const name = (await sql<{ db: string }>`select current_database() as db`.execute(main.db)).rows[0]?.db ?? "";
			const dir = mkdtempSync(join(tmpdir(), "qualify-mql-"));
			const leads = Array.from({ length: 20 }, (_, n) => n);
			// every process sends each lead's identify and its own demo request, in its own order
			const files = [0, 1, 2].map((p) => {
				const batches = leads.map((n) => [
					{ type: "identify", messageId: `id-${n}`, userId: `u${n}`, traits: { email: `p${n}@acme.io` } },
					{ type: "track", messageId: `demo-${n}-${p}`, userId: `u${n}`, event: "Demo Requested" },
				]);
				if (p === 1) batches.reverse();
				const file = join(dir, `batches-${p}.json`);
				writeFileSync(file, JSON.stringify(batches));
				return file;
			});
			await Promise.all(
				files.map((file) =>
					run(process.execPath, ["--import", "tsx", "test/support/ingest-process.ts", withDatabase(url, name), file]),
				),
			);
			const moves = await sql<{ lead_id: string; n: number }>`select lead_id, count(*)::int as n from stage_changes
				where to_stage = 'mql' group by lead_id`.execute(main.db);
			expect(moves.rows).toHaveLength(20);
			expect(moves.rows.every((r) => r.n === 1)).toBe(true);
			const messages = await sql<{
				n: number;
			}>`select count(*)::int as n from webhook_messages where type = 'lead.mql'`.execute(main.db);
			expect(messages.rows[0]?.n).toBe(20);
			const events = await sql<{ n: number }>`select count(*)::int as n from events`.execute(main.db);
			expect(events.rows[0]?.n).toBe(20 + 60);
		} finally {
			await main.close();
		}
	});
});
