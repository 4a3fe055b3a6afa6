import type { ParsedMail } from "mailparser";
import { afterEach, beforeEach } from "vitest";
import { ingestBatch } from "../../src/app/ingest-batch.js";
import { advanceNurture } from "../../src/app/nurture/advance.js";
import { type SendOutcome, sendQueuedEmail } from "../../src/app/nurture/send-email.js";
import { smtpMailer } from "../../src/email/mailer.js";
import { appHarness } from "./app-harness.js";
import type { Backend } from "./backends.js";
import { smtpSink } from "./smtp-sink.js";

export const PUBLIC_URL = "https://q.example";

/**
 * A fresh store a test, a real SMTP server on loopback, the app on a fixed clock, and the steps a
 * worker would take (`tick`), for nurture tests.
 */
export function nurtureHarness(backend: Backend) {
	const base = appHarness(backend);
	const { clock, call } = base;
	let sink: Awaited<ReturnType<typeof smtpSink>>;
	let mailer: ReturnType<typeof smtpMailer>;
	beforeEach(async () => {
		sink = await smtpSink();
		mailer = smtpMailer(sink.url, "Acme News <news@acme.example>");
	});
	afterEach(async () => {
		mailer?.close();
		await sink.close();
	});

	const ok = async (method: string, path: string, body?: unknown) => {
		const r = await call(method, path, body);
		if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
		return r.body;
	};
	/** A header as it was written (mailparser turns List-Unsubscribe into an object). */
	const rawHeader = (m: ParsedMail | undefined, name: string) =>
		(m?.headerLines.find((h) => h.key === name)?.line ?? "").replace(/^[^:]+:\s*/, "").replace(/\r?\n\s+/g, " ");

	return {
		clock,
		get db() {
			return base.db;
		},
		get sink() {
			return sink;
		},
		get app() {
			return base.app;
		},
		call,
		ok,
		rawHeader,
		unsubscribePath: (m: ParsedMail | undefined) =>
			new URL(/<(https:[^>]+)>/.exec(rawHeader(m, "list-unsubscribe"))?.[1] ?? "").pathname,
		mailTo: (address: string): ParsedMail[] => sink.received.filter((r) => r.to.includes(address)).map((r) => r.mail),
		sends: () => base.db.selectFrom("email_sends").selectAll().orderBy("created_at").orderBy("step").execute(),

		async template(name: string, subject = 'Hi {{ lead.first_name | default: "there" }}') {
			return ok("POST", "/v1/templates", {
				name,
				subject,
				html: '<p>Hello {{ lead.first_name | default: "there" }} from {{ lead.company | default: "your team" }}</p><p><a href="https://acme.example/guide?a=1&amp;b=2">Guide</a> <a href="https://acme.example/pricing">Pricing</a></p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
				text: 'Hello {{ lead.first_name | default: "there" }}\nGuide: https://acme.example/guide\nUnsubscribe: {{ unsubscribe_url }}',
			});
		},

		/** A running sequence (manual trigger unless `extra` says otherwise). */
		async sequence(name: string, steps: unknown[], extra: Record<string, unknown> = {}): Promise<{ id: string }> {
			const created = await ok("POST", "/v1/sequences", {
				name,
				definition: { trigger: { on: "manual" }, steps, ...extra },
			});
			await ok("POST", `/v1/sequences/${created.id}/status`, { status: "active" });
			return created;
		},

		async lead(id: string, traits: Record<string, unknown> = {}): Promise<string> {
			await ingestBatch(
				base.db,
				[{ type: "identify", messageId: `id-${id}`, userId: id, traits: { email: `${id}@corp.example`, ...traits } }],
				{ receivedAt: clock.now() },
			);
			return (await base.db.selectFrom("leads").select("id").where("user_id", "=", id).executeTakeFirstOrThrow()).id;
		},

		/** Runs due steps and sends every queued e-mail that is due, as a worker would. */
		async tick(): Promise<SendOutcome[]> {
			await advanceNurture(base.db, clock.now());
			const due = await base.db
				.selectFrom("email_sends")
				.select("id")
				.where("status", "=", "queued")
				.where("due_at", "<=", clock.now())
				.orderBy("created_at")
				.execute();
			const outcomes: SendOutcome[] = [];
			for (const s of due)
				outcomes.push(await sendQueuedEmail(base.db, s.id, clock.now(), { mailer, publicUrl: PUBLIC_URL }));
			return outcomes;
		},
	};
}
