import { type ChildProcess, spawn } from "node:child_process";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { advanceNurture } from "../src/app/nurture/advance.js";
import { enrolByHand } from "../src/app/nurture/enrolments.js";
import { saveNurtureSettings } from "../src/app/nurture/nurture-settings.js";
import { createSequence, setSequenceStatus } from "../src/app/nurture/sequences.js";
import { createTemplate } from "../src/app/nurture/templates.js";
import { NurtureSettings } from "../src/schemas/nurture.js";
import { backends } from "./support/backends.js";
import { withDatabase } from "./support/global-setup.js";
import { smtpSink } from "./support/smtp-sink.js";

const url = process.env.QUALIFY_TEST_DATABASE_URL;
const postgres = backends().find((b) => b.name === "postgres");

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 60_000) {
	const end = Date.now() + ms;
	while (!(await check())) {
		if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

describe.skipIf(!url || !postgres)("a nurture worker that dies mid-send, on PostgreSQL", () => {
	it("never sends the e-mail twice: the next worker finds it claimed and leaves it", async () => {
		if (!url || !postgres) return;
		const database = await postgres.open();
		const sink = await smtpSink({ stallFirst: true });
		const workers: ChildProcess[] = [];
		try {
			const db = database.db;
			const name = (await sql<{ db: string }>`select current_database() as db`.execute(db)).rows[0]?.db ?? "";
			// the worker runs on the machine's clock: no quiet hours, so the test passes at any hour
			await saveNurtureSettings(db, NurtureSettings.parse({ quietHours: null }));
			const t = await createTemplate(db, { name: "t", subject: "Hello", html: "<p>Hi</p>", text: "Hi" });
			const s = await createSequence(db, {
				name: "One",
				definition: { trigger: { on: "manual" }, steps: [{ id: "one", kind: "email", template: t.id }] },
			});
			await setSequenceStatus(db, s.id, "active", new Date());
			const leadOf = async (id: string) => {
				await ingestBatch(
					db,
					[{ type: "identify", messageId: id, userId: id, traits: { email: `${id}@corp.example` } }],
					{
						receivedAt: new Date(),
					},
				);
				return (await db.selectFrom("leads").select("id").where("user_id", "=", id).executeTakeFirstOrThrow()).id;
			};
			const start = () => {
				const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "worker"], {
					env: {
						...process.env,
						DATABASE_URL: withDatabase(url, name),
						SMTP_URL: sink.url,
						QUALIFY_PUBLIC_URL: "https://q.example",
						LOG_LEVEL: "warn",
					},
					stdio: "ignore",
				});
				workers.push(child);
				return child;
			};
			await enrolByHand(db, s.id, { leadIds: [await leadOf("first")] }, new Date());
			const first = start();
			await until("the first worker to begin DATA", () => sink.counts.dataStarted === 1);
			first.kill("SIGKILL");
			await new Promise((r) => first.once("exit", r));
			const claimed = await db.selectFrom("email_sends").select("status").executeTakeFirstOrThrow();
			expect(claimed.status).toBe("sending");

			// the dead worker's lease runs out; a second worker takes its jobs, and new work too
			await sql`update jobs set locked_until = now() - interval '1 second' where locked_until is not null`.execute(db);
			await enrolByHand(db, s.id, { leadIds: [await leadOf("second")] }, new Date());
			start();
			await until("the second lead's e-mail", () => sink.received.length === 1);
			await until(
				"the dead worker's send job to be done",
				async () =>
					(
						await sql<{
							n: number;
						}>`select count(*)::int as n from jobs where kind = 'email.send' and done_at is null`.execute(db)
					).rows[0]?.n === 0,
			);
			expect(sink.received.map((r) => r.to)).toEqual([["second@corp.example"]]);
			expect(sink.counts.dataStarted).toBe(2); // the first e-mail's DATA was begun once, never again

			// once its lease is long gone, the half-sent e-mail is marked uncertain, and never queued again
			await advanceNurture(db, new Date(Date.now() + 11 * 60_000));
			const statuses = await db
				.selectFrom("email_sends")
				.select(["to_address", "status"])
				.orderBy("to_address")
				.execute();
			expect(statuses).toEqual([
				{ to_address: "first@corp.example", status: "uncertain" },
				{ to_address: "second@corp.example", status: "sent" },
			]);
		} finally {
			for (const w of workers) w.kill("SIGKILL");
			await sink.close();
			await database.close();
		}
	}, 120_000);
});
