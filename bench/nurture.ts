/**
 * Nurture on PostgreSQL (issue 13), three figures, each beside a baseline from the same run:
 *
 *  1. e-mails a second to a loopback SMTP server through the whole send path (claim with its
 *     checks, render, track links, send, record), against nodemailer sending the same message
 *     over the same pool with no database;
 *  2. a form submission's commit → the follow-up's SMTP accept, p50 and p99, idle and while
 *     ingest runs at half its maximum rate (measured first, same run);
 *  3. enrolling BENCH_ENROL leads (default 100,000) of a list in a sequence, against counting them.
 *
 *   npm run bench:nurture     (BENCH_SENDS, default 3,000; BENCH_SAMPLES, default 100; BENCH_ENROL)
 */
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import { SMTPServer } from "smtp-server";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { advanceNurture } from "../src/app/nurture/advance.js";
import { enrolByHand } from "../src/app/nurture/enrolments.js";
import { saveNurtureSettings } from "../src/app/nurture/nurture-settings.js";
import { sendQueuedEmail } from "../src/app/nurture/send-email.js";
import { createSequence, setSequenceStatus } from "../src/app/nurture/sequences.js";
import { createTemplate } from "../src/app/nurture/templates.js";
import { createSegment } from "../src/app/segments/segments.js";
import { setUpStore } from "../src/app/set-up-store.js";
import { smtpMailer } from "../src/email/mailer.js";
import { NurtureSettings } from "../src/schemas/nurture.js";
import { type Database, openDatabase } from "../src/storage/database.js";
import { freshDatabase, quantile } from "./bench-database.js";
import { serveWithWorker } from "./bench-server.js";
import { underHalfLoad } from "./half-load.js";

const SENDS = Number(process.env.BENCH_SENDS ?? 3_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 100);
const ENROL = Number(process.env.BENCH_ENROL ?? 100_000);
const CONCURRENCY = 8;
const HTML =
	'<p>Hi {{ lead.first_name | default: "there" }},</p><p>Here is <a href="https://example.com/guide">the guide</a> and <a href="https://example.com/pricing">our prices</a>.</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>';

/** A loopback SMTP server that accepts everything and notes when each recipient's message was accepted. */
async function sink() {
	const accepted = new Map<string, number>();
	let count = 0;
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ["STARTTLS"],
		logger: false,
		maxClients: 100,
		onData(stream, session, callback) {
			stream.on("data", () => {});
			stream.on("end", () => {
				count += 1;
				for (const r of session.envelope.rcptTo) accepted.set(r.address, performance.now());
				callback();
			});
		},
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	return {
		url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
		accepted,
		count: () => count,
		close: () => new Promise<void>((r) => server.close(() => r())),
	};
}

async function runAll(count: number, concurrency: number, task: (i: number) => Promise<unknown>) {
	let next = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < count) await task(next++);
		}),
	);
}

async function identified(database: Database, prefix: string, n: number) {
	for (let i = 0; i < n; i += 500) {
		const batch = Array.from({ length: Math.min(500, n - i) }, (_, k) => ({
			type: "identify",
			messageId: `${prefix}-${i + k}`,
			userId: `${prefix}-${i + k}`,
			traits: { email: `${prefix}-${i + k}@bench.example`, firstName: `Lead ${i + k}` },
		}));
		await ingestBatch(database.db, batch, { receivedAt: new Date() });
	}
	return (await database.db.selectFrom("leads").select("id").where("user_id", "like", `${prefix}-%`).execute()).map(
		(r) => r.id,
	);
}

async function sendRate(database: Database, smtp: Awaited<ReturnType<typeof sink>>, templateId: string) {
	const mailer = smtpMailer(smtp.url, "Bench <news@bench.example>", { connections: 5 });
	if (!mailer) throw new Error("no mailer");
	const sequence = await createSequence(database.db, {
		name: "Rate",
		definition: { trigger: { on: "manual" }, steps: [{ id: "one", kind: "email", template: templateId }] },
	});
	await setSequenceStatus(database.db, sequence.id, "active", new Date());
	const leads = await identified(database, "rate", SENDS);
	await enrolByHand(database.db, sequence.id, { leadIds: leads }, new Date());
	await advanceNurture(database.db, new Date());
	const queued = (
		await database.db.selectFrom("email_sends").select("id").where("status", "=", "queued").execute()
	).map((r) => r.id);

	// baseline: the same message through the same kind of pool, no database
	const message = { subject: "Hi Lead", html: HTML.replace(/\{\{[^}]+\}\}/g, "x"), text: "Hi" };
	let started = performance.now();
	await runAll(SENDS, CONCURRENCY, (i) => mailer.send(`raw-${i}@bench.example`, message));
	const raw = SENDS / ((performance.now() - started) / 1000);

	started = performance.now();
	await runAll(queued.length, CONCURRENCY, (i) =>
		sendQueuedEmail(database.db, queued[i] as string, new Date(), { mailer, publicUrl: "https://q.example" }),
	);
	const ours = queued.length / ((performance.now() - started) / 1000);
	const sent = await sql<{ n: number }>`select count(*)::int as n from email_sends where status = 'sent'`.execute(
		database.db,
	);
	mailer.close();
	return { raw, ours, sent: sent.rows[0]?.n ?? 0 };
}

async function latency(database: Database, smtp: Awaited<ReturnType<typeof sink>>, templateId: string) {
	const sequence = await createSequence(database.db, {
		name: "Follow-up",
		definition: {
			trigger: { on: "event", event: "Form Submitted", match: { form_id: "guide" } },
			steps: [{ id: "send", kind: "email", template: templateId }],
		},
	});
	await setSequenceStatus(database.db, sequence.id, "active", new Date());
	const mailer = smtpMailer(smtp.url, "Bench <news@bench.example>", { connections: 5 });
	const served = await serveWithWorker(database, { mailer, publicUrl: "https://q.example" });
	let n = 0;
	async function sample(): Promise<number> {
		const email = `form-${n++}@latency.example`;
		await served.post([
			{ type: "identify", userId: email, traits: { email } },
			{ type: "track", userId: email, event: "Form Submitted", properties: { form_id: "guide" } },
		]);
		const committed = performance.now();
		for (let i = 0; i < 30_000 && !smtp.accepted.has(email); i++) await new Promise((r) => setTimeout(r, 1));
		const at = smtp.accepted.get(email);
		if (at === undefined) throw new Error(`no e-mail for ${email}`);
		return Math.max(0, at - committed);
	}
	async function samples(): Promise<number[]> {
		const out: number[] = [];
		for (let i = 0; i < SAMPLES; i++) {
			out.push(await sample());
			await new Promise((r) => setTimeout(r, 20));
		}
		return out;
	}
	for (let i = 0; i < 10; i++) await sample(); // warm-up
	const idle = await samples();

	const { result: loaded, maxRate, achieved } = await underHalfLoad(served, samples);
	await served.close();
	mailer?.close();
	return { idle, loaded, maxRate, achieved };
}

async function enrolment(database: Database) {
	const t = await createTemplate(database.db, { name: "Big", subject: "Hi", html: "<p>Hi</p>", text: "Hi" });
	await sql`insert into leads (id, email, traits, first_seen_at, last_seen_at)
		select gen_random_uuid(), 'big-' || g || '@bench.example', '{}'::jsonb, now(), now()
		from generate_series(1, ${ENROL}) g`.execute(database.db);
	const list = await createSegment(database.db, { name: "Big list", kind: "static" }, new Date());
	await sql`insert into segment_members (segment_id, lead_id, entered_at)
		select ${list.id}::uuid, id, now() from leads where email like 'big-%'`.execute(database.db);
	await sql`analyze`.execute(database.db); // as autovacuum would have by now
	const sequence = await createSequence(database.db, {
		name: "Big",
		definition: {
			trigger: { on: "manual" },
			steps: [
				{ id: "wait", kind: "wait", amount: 1, unit: "days" },
				{ id: "one", kind: "email", template: t.id },
			],
			holdoutPercent: 10,
		},
	});
	await setSequenceStatus(database.db, sequence.id, "active", new Date());
	let started = performance.now();
	const counted = await sql<{ n: number }>`select count(*)::int as n from segment_members
		where segment_id = ${list.id}::uuid`.execute(database.db);
	const countMs = performance.now() - started;
	started = performance.now();
	const result = await enrolByHand(database.db, sequence.id, { segment: list.id }, new Date());
	const enrolMs = performance.now() - started;
	started = performance.now();
	await advanceNurture(database.db, new Date());
	const firstStepMs = performance.now() - started;
	return { counted: counted.rows[0]?.n ?? 0, countMs, result, enrolMs, firstStepMs };
}

async function main() {
	const url = await freshDatabase("qualify_bench_nurture");
	const database = await openDatabase({ url, poolSize: 12 });
	await setUpStore(database.db);
	// the machine's clock runs the worker: no quiet hours or cap, so the figures do not depend on the hour
	await saveNurtureSettings(database.db, NurtureSettings.parse({ quietHours: null, weeklyCap: 50 }));
	const smtp = await sink();
	const template = await createTemplate(database.db, {
		name: "Guide",
		subject: 'Your guide, {{ lead.first_name | default: "there" }}',
		html: HTML,
		text: 'Hi {{ lead.first_name | default: "there" }}: https://example.com/guide\nUnsubscribe: {{ unsubscribe_url }}',
	});

	console.log("nurture bench: PostgreSQL and an SMTP server on loopback, same run");
	const rate = await sendRate(database, smtp, template.id);
	console.log(
		`e-mails a second: ${Math.round(rate.ours)} through Qualify (${rate.sent} sent) vs ${Math.round(rate.raw)} by nodemailer alone: ${((rate.ours / rate.raw) * 100).toFixed(0)}%`,
	);
	const l = await latency(database, smtp, template.id);
	const line = (label: string, v: number[]) =>
		`${label}: p50 ${quantile(v, 0.5).toFixed(0)} ms, p99 ${quantile(v, 0.99).toFixed(0)} ms, max ${Math.max(...v).toFixed(0)} ms (${v.length} forms)`;
	console.log(line("form → SMTP accept, idle", l.idle));
	console.log(
		line(
			`form → SMTP accept, under ${Math.round(l.achieved).toLocaleString("en")} events/s (max ${Math.round(l.maxRate).toLocaleString("en")})`,
			l.loaded,
		),
	);
	console.log("goal: p99 ≤ 5,000 ms under half the maximum ingest rate");
	const e = await enrolment(database);
	console.log(
		`enrolling a list of ${e.counted.toLocaleString("en")}: ${(e.enrolMs / 1000).toFixed(1)} s (${e.result.enrolled.toLocaleString("en")} enrolled, ${e.result.heldOut.toLocaleString("en")} held out); counting them ${e.countMs.toFixed(0)} ms; the first step for all of them ${(e.firstStepMs / 1000).toFixed(1)} s`,
	);
	await smtp.close();
	await database.close();
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
