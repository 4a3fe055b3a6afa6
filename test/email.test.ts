import type { ParsedMail } from "mailparser";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { smtpMailer } from "../src/email/mailer.js";
import { emailHandoff } from "../src/jobs/email-handoff.js";
import { claimJobs } from "../src/jobs/queue.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { received } from "./support/clock.js";
import { teamWithOwner } from "./support/sales-team.js";
import { smtpSink } from "./support/smtp-sink.js";

describe.each(backends())("handoff e-mail on $name", (backend) => {
	let database: Database;
	let sink: Awaited<ReturnType<typeof smtpSink>>;
	beforeEach(async () => {
		database = await backend.open();
		sink = await smtpSink();
	});
	afterEach(async () => {
		await sink.close();
		await database.close();
	});

	it("e-mails the owner about a new MQL over SMTP, with the lead's text inert", async () => {
		await teamWithOwner(database.db, { name: "Gus", email: "gus@sales.io" }, "boss@sales.io");
		await ingestBatch(
			database.db,
			[
				{
					type: "identify",
					messageId: "x1",
					userId: "x",
					traits: {
						email: "mallory@evil.io",
						firstName: "<script>alert(1)</script>\r\nBcc: everyone@corp.io",
						company: '<img src=x onerror="alert(2)">',
					},
				},
				{ type: "track", messageId: "x2", userId: "x", event: "Demo Requested" },
			],
			received,
		);
		const [job] = await claimJobs(database.db, ["email.handoff"], 5);
		if (!job) throw new Error("an assignment must queue the owner's e-mail");
		await emailHandoff(database.db, {
			mailer: smtpMailer(sink.url, "Qualify <q@test.io>"),
			publicUrl: "https://q.example/",
		})(job);

		expect(sink.received).toHaveLength(1);
		const [{ to, mail }] = sink.received as [{ to: string[]; mail: ParsedMail }];
		expect(to).toEqual(["gus@sales.io"]);
		expect(mail.subject).toMatch(/^New MQL for you: <script>alert\(1\)<\/script> Bcc: everyone@corp\.io/);
		expect(mail.headers.has("bcc")).toBe(false);
		const html = String(mail.html);
		expect(html).not.toMatch(/<script>|<img/i);
		expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
		expect(html).toContain("&lt;img src=x onerror=&quot;alert(2)&quot;&gt;");
		expect(mail.text).toMatch(/Open it: https:\/\/q\.example\/leads\/[0-9a-f-]{36}/);
		expect(mail.text).toMatch(/Why it qualified: hand-raiser/);
	});
});
