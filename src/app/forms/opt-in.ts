import { sql } from "kysely";
import { EMAIL_CONFIRMED } from "../../domain/consent.js";
import { escapeHtml, headerLine } from "../../email/escape.js";
import type { Mailer } from "../../email/mailer.js";
import { verifyExpiring } from "../../email/signed-links.js";
import { enqueueJob } from "../../jobs/queue.js";
import { FormDefinition } from "../../schemas/forms.js";
import type { Db } from "../../storage/database.js";
import { FORM_LEAD_MAGNET } from "../../storage/job-constants.js";
import { inTransaction } from "../../storage/transaction.js";
import { ingestBatch } from "../ingest-batch.js";
import { leadIdentity } from "../nurture/lead-identity.js";
import { linkSecret } from "../nurture/nurture-settings.js";
import { liftUnsubscribe } from "../nurture/suppressions.js";
import {
	mailable,
	type RequestedMail,
	type SubmissionFacts,
	signedSubmissionUrl,
	submissionFacts,
} from "./lead-magnet.js";

/** How long a confirmation link works. */
export const CONFIRM_DAYS = 7;

/**
 * E-mails a double opt-in form's confirmation link (signed, expiring); an unsubscribed address
 * gets it too, since confirming is how it comes back (see mailable).
 */
export async function sendConfirmation(
	db: Db,
	submissionId: string,
	now: Date,
	options: { mailer: Mailer | null; publicUrl: string },
): Promise<RequestedMail> {
	const to = mailable(await submissionFacts(db, submissionId), options.mailer);
	if (typeof to === "string") return to;
	const form = FormDefinition.parse(to.facts.definition);
	const expires = new Date(now.getTime() + CONFIRM_DAYS * 86_400_000);
	const link = await signedSubmissionUrl(db, options.publicUrl, "c", to.facts.submission, expires);
	const offer = form.leadMagnet ? ` and we will send you ${form.leadMagnet.title}` : "";
	await to.mailer.send(to.email, {
		subject: headerLine(`Please confirm your address: ${form.title}`),
		text: `You (or someone with your address) filled in "${form.title}".\nConfirm that it was you${offer}:\n${link}\n\nIf it was not you, ignore this e-mail: nothing more will be sent.\n`,
		html: `<p>You (or someone with your address) filled in “${escapeHtml(form.title)}”.</p><p><a href="${escapeHtml(link)}">Confirm that it was you</a>${escapeHtml(offer)}.</p><p>If it was not you, ignore this e-mail: nothing more will be sent.</p>`,
	});
	return "sent";
}

export type Confirmation = "confirmed" | "confirmed before" | "expired" | null;

/** The submission a confirmation link names, "expired" past its time, or null when it was altered. */
async function confirmationOf(db: Db, token: string, now: Date): Promise<SubmissionFacts | "expired" | null> {
	const id = verifyExpiring(await linkSecret(db), "confirm", token, now);
	if (id === null || id === "expired") return id;
	return submissionFacts(db, id);
}

/** Whether a confirmation link holds (for the page that asks to confirm), without confirming. */
export async function checkConfirmation(db: Db, token: string, now: Date): Promise<string | "expired" | null> {
	const f = await confirmationOf(db, token, now);
	return f === null || f === "expired" ? f : f.submission;
}

/**
 * Its owner confirmed the address: `Email Confirmed` through ingest (the lead is subscribed by
 * its own hand, its unsubscription lifted), the submission marked and its lead magnet queued, once.
 * Altered: null; past its time: "expired".
 */
export async function confirmSubmission(db: Db, token: string, now: Date): Promise<Confirmation> {
	const f = await confirmationOf(db, token, now);
	if (f === null || f === "expired") return f;
	const id = f.submission;
	if (f.lead_id && f.email) {
		const result = await ingestBatch(
			db,
			[
				{
					type: "track",
					event: EMAIL_CONFIRMED,
					// one per submission: a second click or a retry records nothing new
					messageId: `confirm:${f.submission}`,
					...leadIdentity({ id: f.lead_id, user_id: f.user_id, email: f.email }),
					properties: { form_id: f.form_id },
					timestamp: now.toISOString(),
				},
			],
			{ receivedAt: now },
		);
		if (result.errors.length > 0) throw new Error(`the confirmation was not recorded: ${result.errors[0]?.message}`);
	}
	return inTransaction(db, async (trx) => {
		const marked = await sql`update form_submissions set confirmed_at = ${now}
			where id = ${id}::uuid and confirmed_at is null`.execute(trx);
		if (Number(marked.numAffectedRows ?? 0) === 0) return "confirmed before";
		if (f.email) await liftUnsubscribe(trx, f.email);
		if (FormDefinition.parse(f.definition).leadMagnet) await enqueueJob(trx, FORM_LEAD_MAGNET, { submissionId: id });
		return "confirmed";
	});
}
