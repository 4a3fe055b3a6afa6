import { sql } from "kysely";
import { escapeHtml, headerLine } from "../../email/escape.js";
import type { Mailer } from "../../email/mailer.js";
import { signExpiring, verifyExpiring } from "../../email/signed-links.js";
import { FormDefinition } from "../../schemas/forms.js";
import type { Db } from "../../storage/database.js";
import { ingestBatch } from "../ingest-batch.js";
import { leadIdentity } from "../nurture/lead-identity.js";
import { linkSecret } from "../nurture/nurture-settings.js";

export interface SubmissionFacts {
	submission: string;
	form_id: string;
	definition: unknown;
	lead_id: string | null;
	email: string | null;
	user_id: string | null;
	suppressed: string | null;
}

/** A submission with its form and lead, and why the lead's address may not be e-mailed. */
export async function submissionFacts(db: Db, submissionId: string): Promise<SubmissionFacts | null> {
	const row =
		await sql<SubmissionFacts>`select s.id as submission, s.form_id, f.definition, l.id as lead_id, l.email, l.user_id,
			(select reason from suppressions where email = l.email) as suppressed
		from form_submissions s join forms f on f.id = s.form_id left join leads l on l.id = s.lead_id
		where s.id = ${submissionId}::uuid`.execute(db);
	return row.rows[0] ?? null;
}

export type RequestedMail = "sent" | "nothing to send" | "no mailer" | "suppressed";

/**
 * The address and mailer for an e-mail a person asked for a moment ago (a download, a
 * confirmation), or why it cannot go: it goes to an unsubscribed address too, but not to one
 * that bounced or complained.
 */
export function mailable(
	f: SubmissionFacts | null,
	mailer: Mailer | null,
): { facts: SubmissionFacts; email: string; mailer: Mailer } | Exclude<RequestedMail, "sent"> {
	if (!f?.email) return "nothing to send";
	if (!mailer) return "no mailer";
	if (f.suppressed === "bounced" || f.suppressed === "complained") return "suppressed";
	return { facts: f, email: f.email, mailer };
}

/** A public link to `/<route>/<token>` naming a submission, signed for one use and expiring. */
export async function signedSubmissionUrl(
	db: Db,
	publicUrl: string,
	route: "d" | "c",
	submission: string,
	expires: Date,
): Promise<string> {
	const kind = route === "d" ? "download" : "confirm";
	return `${publicUrl.replace(/\/+$/, "")}/${route}/${signExpiring(await linkSecret(db), kind, submission, expires)}`;
}

/** E-mails what a form offered: a signed link that expires (see mailable for who gets it). */
export async function sendLeadMagnet(
	db: Db,
	submissionId: string,
	now: Date,
	options: { mailer: Mailer | null; publicUrl: string },
): Promise<RequestedMail> {
	const f = await submissionFacts(db, submissionId);
	const magnet = f ? FormDefinition.parse(f.definition).leadMagnet : undefined;
	const to = mailable(f, options.mailer);
	if (!magnet) return "nothing to send";
	if (typeof to === "string") return to;
	const expires = new Date(now.getTime() + magnet.expiresHours * 3_600_000);
	const link = await signedSubmissionUrl(db, options.publicUrl, "d", to.facts.submission, expires);
	const until = expires.toUTCString();
	await to.mailer.send(to.email, {
		subject: headerLine(`Your download: ${magnet.title}`),
		text: `Here is ${magnet.title}:\n${link}\n\nThe link works until ${until}.\n`,
		html: `<p>Here is <a href="${escapeHtml(link)}">${escapeHtml(magnet.title)}</a>.</p><p>The link works until ${escapeHtml(until)}.</p>`,
	});
	return "sent";
}

/**
 * A click on a lead magnet's link: `content_downloaded` for the lead, and the address the form
 * offers (never one the request names). Altered: null; past its time: "expired".
 */
export async function downloadTarget(db: Db, token: string, now: Date): Promise<string | "expired" | null> {
	const id = verifyExpiring(await linkSecret(db), "download", token, now);
	if (id === null || id === "expired") return id;
	const f = await submissionFacts(db, id);
	const magnet = f ? FormDefinition.parse(f.definition).leadMagnet : undefined;
	if (!f || !magnet) return null;
	if (f.lead_id) {
		const result = await ingestBatch(
			db,
			[
				{
					type: "track",
					event: "content_downloaded",
					messageId: `download:${f.submission}:${now.getTime()}`,
					...leadIdentity({ id: f.lead_id, user_id: f.user_id, email: f.email }),
					properties: { form_id: f.form_id, content: magnet.title, url: magnet.url },
					timestamp: now.toISOString(),
				},
			],
			{ receivedAt: now },
		);
		if (result.errors.length > 0) throw new Error(`the download was not recorded: ${result.errors[0]?.message}`);
	}
	return magnet.url;
}
