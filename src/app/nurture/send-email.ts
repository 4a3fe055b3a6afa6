import { sql } from "kysely";
import { sendTime } from "../../domain/nurture/send-timing.js";
import { domainOf, type Mailer } from "../../email/mailer.js";
import { sendLinks, withTracking } from "../../email/signed-links.js";
import { renderTemplate } from "../../email/templates.js";
import { enqueueJob } from "../../jobs/queue.js";
import type { Db } from "../../storage/database.js";
import { EMAIL_SEND } from "../../storage/job-constants.js";
import { inTransaction } from "../../storage/transaction.js";
import { leadTemplateContext } from "./lead-context.js";
import { sendingSettings } from "./nurture-settings.js";
import { lockAddress, suppressionOf } from "./suppressions.js";

export type SendOutcome = "sent" | "deferred" | "suppressed" | "cancelled" | "failed" | "uncertain" | "gone";

interface Claimed {
	id: string;
	/** signs the e-mail's links (read with the settings the claim checked) */
	secret: string;
	lead_id: string;
	to: string;
	subject: string;
	html: string;
	text_body: string;
}

/**
 * Sends one queued e-mail. The claim is its own transaction: it re-reads the enrolment, the
 * suppressions (under the address's lock), the weekly cap and the quiet hours, and marks the send
 * 'sending' before any byte leaves, so that a send is never made twice: a worker that dies after
 * the claim leaves it 'sending', later 'uncertain', never queued again.
 */
export async function sendQueuedEmail(
	db: Db,
	sendId: string,
	now: Date,
	options: { mailer: Mailer | null; publicUrl: string },
): Promise<SendOutcome> {
	const claim = await claimSend(db, sendId, now, options.mailer !== null);
	if (typeof claim === "string") return claim;
	const mailer = options.mailer as Mailer;
	const links = sendLinks(options.publicUrl, claim.secret, claim.id);
	const domain = domainOf(mailer.from);
	const messageId = `<${claim.id}@${domain}>`;
	let email: Awaited<ReturnType<typeof renderTemplate>>;
	let tracked: { html: string; links: number };
	try {
		const context = await leadTemplateContext(db, claim.lead_id, {
			unsubscribe: links.unsubscribe,
			preferences: links.unsubscribe,
		});
		if (!context) throw new Error("the lead is gone");
		email = await renderTemplate({ subject: claim.subject, html: claim.html, text: claim.text_body }, context);
		tracked = withTracking(email.html, links);
	} catch (error) {
		const reason = `could not render the template: ${error instanceof Error ? error.message : String(error)}`;
		await sql`update email_sends set status = 'failed', reason = ${reason.slice(0, 500)} where id = ${claim.id}::uuid`.execute(
			db,
		);
		return "failed";
	}
	try {
		await mailer.send(
			claim.to,
			{ ...email, html: tracked.html },
			{
				messageId,
				headers: {
					"List-Unsubscribe": `<${links.unsubscribe}>, <mailto:unsubscribe@${domain}?subject=unsubscribe%20${claim.id}>`,
					"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
				},
			},
		);
	} catch (error) {
		return settleFailure(db, claim.id, error);
	}
	await sql`update email_sends set status = 'sent', sent_at = ${now}, message_id = ${messageId}, links = ${tracked.links},
		reason = null where id = ${claim.id}::uuid`.execute(db);
	return "sent";
}

async function claimSend(db: Db, sendId: string, now: Date, canSend: boolean): Promise<Claimed | SendOutcome> {
	return inTransaction(db, async (trx) => {
		const row = (
			await sql<{
				id: string;
				lead_id: string;
				status: string;
				enrolment_status: string | null;
				exit_reason: string | null;
				exit_stages: string[] | null;
				stage: string;
				email: string | null;
				consent_status: string;
				timezone: string | null;
				subject: string | null;
				html: string | null;
				text_body: string | null;
			}>`select s.id, s.lead_id, s.status, e.status as enrolment_status, e.exit_reason,
					v.definition->'exits'->'stages' as exit_stages, l.stage, l.email, l.consent_status,
					l.timezone, t.subject, t.html, t.text_body
				from email_sends s join leads l on l.id = s.lead_id
				left join enrolments e on e.id = s.enrolment_id
				left join sequence_versions v on v.sequence_id = e.sequence_id and v.version = e.version
				left join email_templates t on t.id = s.template_id
				where s.id = ${sendId}::uuid for update of s`.execute(trx)
		).rows[0];
		if (!row) return "gone";
		if (row.status !== "queued") return "gone"; // claimed before: never twice
		const settle = async (status: "suppressed" | "cancelled" | "failed", reason: string) => {
			await sql`update email_sends set status = ${status}, reason = ${reason}, to_address = ${row.email}
				where id = ${row.id}::uuid`.execute(trx);
			return status;
		};
		// a completed enrolment's last e-mail still goes; an exit (or a lead now past the exits) stops it
		if (row.enrolment_status === "exited")
			return settle("cancelled", `the enrolment ended first (${row.exit_reason ?? "exited"})`);
		if (row.exit_stages?.includes(row.stage)) return settle("cancelled", `the lead became ${row.stage}`);
		if (!row.email) return settle("suppressed", "the lead has no e-mail address");
		if (row.subject === null || row.html === null || row.text_body === null)
			return settle("failed", "the template was deleted");
		if (!canSend) return settle("failed", "e-mail is not configured (SMTP_URL is not set)");
		await lockAddress(trx, row.email);
		const suppressed = await suppressionOf(trx, row.email);
		if (suppressed) return settle("suppressed", `the address is suppressed (${suppressed})`);
		if (row.consent_status !== "subscribed") return settle("suppressed", `the lead is ${row.consent_status}`);
		const { settings, secret } = await sendingSettings(trx);
		const sent = await sql<{ at: Date }>`select coalesce(sent_at, claimed_at) as at from email_sends
			where lead_id = ${row.lead_id}::uuid and status in ('sent', 'sending', 'uncertain')
				and coalesce(sent_at, claimed_at) > ${new Date(now.getTime() - 7 * 86_400_000)}`.execute(trx);
		const at = sendTime(
			now,
			{ timeZone: row.timezone ?? settings.defaultTimeZone, sentTimes: sent.rows.map((r) => new Date(r.at)) },
			settings,
		);
		if (at > now) {
			await sql`update email_sends set due_at = ${at} where id = ${row.id}::uuid`.execute(trx);
			await enqueueJob(trx, EMAIL_SEND, { sendId: row.id }, { runAt: at });
			return "deferred";
		}
		await sql`update email_sends set status = 'sending', claimed_at = ${now}, to_address = ${row.email}
			where id = ${row.id}::uuid`.execute(trx);
		return {
			id: row.id,
			secret,
			lead_id: row.lead_id,
			to: row.email,
			subject: row.subject,
			html: row.html,
			text_body: row.text_body,
		};
	});
}

/**
 * After a failed SMTP call: a refusal the server answered (or a connection never made) means the
 * message did not leave, so a temporary one is queued again and a permanent one fails; anything
 * else may have left, so it is 'uncertain' and not sent again.
 */
async function settleFailure(db: Db, id: string, error: unknown): Promise<SendOutcome> {
	const e = error as { responseCode?: number; command?: string; code?: string; message?: string };
	const message = (e.message ?? String(error)).slice(0, 500);
	const notSent = typeof e.responseCode === "number" || e.command === "CONN" || e.code === "ECONNECTION";
	const temporary = notSent && !(typeof e.responseCode === "number" && e.responseCode >= 500);
	const status = !notSent ? "uncertain" : temporary ? "queued" : "failed";
	await sql`update email_sends set status = ${status}, reason = ${message} where id = ${id}::uuid`.execute(db);
	if (status === "queued") throw error; // the job is tried again later
	return status;
}
