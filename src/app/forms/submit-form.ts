import { randomUUID } from "node:crypto";
import { CONFIRMATION_REQUESTED } from "../../domain/consent.js";
import { type Answer, type CheckedSubmission, checkSubmission } from "../../domain/forms/check-submission.js";
import { signMoment, verifyMoment } from "../../email/signed-links.js";
import { enqueueJob } from "../../jobs/queue.js";
import type { FormDefinition } from "../../schemas/forms.js";
import type { Db } from "../../storage/database.js";
import { FORM_CONFIRM, FORM_LEAD_MAGNET } from "../../storage/job-constants.js";
import { inTransaction } from "../../storage/transaction.js";
import { ingestBatch } from "../ingest-batch.js";
import { linkSecret } from "../nurture/nurture-settings.js";

/** A signed note of when the form was shown, so the time to submit cannot be faked. */
export async function shownToken(db: Db, formId: string, now: Date): Promise<string> {
	return signMoment(await linkSecret(db), "form-shown", formId, now);
}

/** When a signed shown-at token says the form was shown, or null when it was not signed for this form. */
export async function shownAt(db: Db, formId: string, token: string | undefined): Promise<number | null> {
	return verifyMoment(await linkSecret(db), "form-shown", formId, token ?? "");
}

/** Whether the address already said yes itself: subscribed, with a source (a confirmation, a form, a person). */
async function confirmedAlready(db: Db, email: string): Promise<boolean> {
	const lead = await db
		.selectFrom("identities as i")
		.innerJoin("leads as l", "l.id", "i.lead_id")
		.select(["l.consent_status", "l.consent_source"])
		.where("i.kind", "=", "email")
		.where("i.value", "=", email)
		.executeTakeFirst();
	return lead?.consent_status === "subscribed" && lead.consent_source !== null;
}

/** The rejection reason a survey's "why not now" answer means, if the form asks it. */
function notNowReasonOf(form: FormDefinition, answers: Record<string, Answer>): string | null {
	const field = form.fields.find((f) => f.notNowReasons);
	const answer = field ? answers[field.name] : undefined;
	return typeof answer === "string" ? (field?.notNowReasons?.[answer] ?? null) : null;
}

const withoutEmail = (answers: Record<string, Answer>) =>
	Object.fromEntries(Object.entries(answers).filter(([k]) => k !== "email"));

export type SubmitOutcome =
	| {
			kind: "accepted";
			submissionId: string;
			leadId: string | null;
			/** the address the lead gave */
			email: string;
	  }
	| { kind: "invalid"; checked: CheckedSubmission }
	| { kind: "refused"; reason: string };

/**
 * A submission: checked (each field's problem named; a bot's refused with nothing stored), then
 * an identify and a `form_submitted` event through ingest, under the browser's anonymous id so
 * its earlier page views join the lead, and the answers with the consent wording and time.
 */
export async function submitForm(
	db: Db,
	form: { id: string; slug: string; definition: FormDefinition },
	raw: Record<string, string | undefined>,
	context: { anonymousId: string | null; now: Date; userAgent: string | null; page: string | null },
): Promise<SubmitOutcome> {
	const checked = checkSubmission(form.definition, raw, {
		shownAt: await shownAt(db, form.id, raw._shown),
		now: context.now.getTime(),
	});
	if (checked.spam) return { kind: "refused", reason: checked.spam };
	if (checked.problems.length > 0 || !checked.email) return { kind: "invalid", checked };
	const id = randomUUID();
	const anonymousId = context.anonymousId ?? `form-${id}`;
	const consent = form.definition.consent && checked.consented ? form.definition.consent.text : null;
	const campaign = Object.fromEntries(
		Object.entries(checked.utm).map(([k, v]) => [k === "utm_campaign" ? "name" : k.replace("utm_", ""), v]),
	);
	const shared = {
		anonymousId,
		timestamp: context.now.toISOString(),
		context: {
			...(Object.keys(campaign).length > 0 ? { campaign } : {}),
			...(context.userAgent ? { userAgent: context.userAgent } : {}),
			...(context.page ? { page: { url: context.page } } : {}),
		},
	};
	const confirm = form.definition.doubleOptIn && !(await confirmedAlready(db, checked.email));
	const notNow = notNowReasonOf(form.definition, checked.answers);
	const result = await ingestBatch(
		db,
		[
			{ ...shared, type: "identify", messageId: `form:${id}:identify`, traits: { ...checked.answers } },
			...(confirm
				? [
						{
							...shared,
							type: "track",
							messageId: `form:${id}:confirm`,
							event: CONFIRMATION_REQUESTED,
							properties: { form_id: form.id },
						},
					]
				: []),
			{
				...shared,
				type: "track",
				messageId: `form:${id}:submitted`,
				event: "form_submitted",
				properties: {
					form_id: form.id,
					form: form.slug,
					...(consent ? { consent_text: consent, consent_at: context.now.toISOString() } : {}),
				},
			},
			...(form.definition.webinar
				? [
						{
							...shared,
							type: "track",
							messageId: `form:${id}:webinar`,
							event: "webinar_registered",
							properties: { webinar_id: form.definition.webinar, form_id: form.id },
						},
					]
				: []),
			...(form.definition.survey
				? [
						{
							...shared,
							type: "track",
							messageId: `form:${id}:survey`,
							event: "survey_answered",
							properties: {
								form_id: form.id,
								...(form.definition.survey.webinar ? { webinar_id: form.definition.survey.webinar } : {}),
								...withoutEmail(checked.answers),
								...(notNow ? { why_not_now: notNow } : {}),
							},
						},
					]
				: []),
		],
		{ receivedAt: context.now },
	);
	if (result.errors.length > 0) throw new Error(`the submission was refused by ingest: ${result.errors[0]?.message}`);
	const lead = await db
		.selectFrom("identities")
		.select("lead_id")
		.where("kind", "=", "email")
		.where("value", "=", checked.email)
		.executeTakeFirst();
	await inTransaction(db, async (trx) => {
		await trx
			.insertInto("form_submissions")
			.values({
				id,
				form_id: form.id,
				lead_id: lead?.lead_id ?? null,
				answers: JSON.stringify(checked.answers),
				consent_text: consent,
				consent_at: consent ? context.now : null,
				at: context.now,
				// confirmed at once when the form does not ask, or the address was confirmed before
				confirmed_at: form.definition.doubleOptIn && !confirm ? context.now : null,
				not_now_reason: notNow,
			})
			.execute();
		if (confirm) await enqueueJob(trx, FORM_CONFIRM, { submissionId: id });
		else if (form.definition.leadMagnet) await enqueueJob(trx, FORM_LEAD_MAGNET, { submissionId: id });
	});
	return {
		kind: "accepted",
		submissionId: id,
		leadId: lead?.lead_id ?? null,
		email: checked.email,
	};
}
