/** The NOTIFY channel that wakes workers when jobs are queued (delivered at commit). */
export const JOBS_CHANNEL = "qualify_jobs";

/** Retries after a failed webhook delivery: seconds, then minutes, then hours; about three days in all. */
export const DELIVERY_SCHEDULE_MS = [
	5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000, 43_200_000, 86_400_000,
	86_400_000,
];
export const DELIVERY_ATTEMPTS = DELIVERY_SCHEDULE_MS.length + 1;

/** NOTIFY channel of every change to handoffs (a trigger, migration 007). */
export const HANDOFFS_CHANNEL = "qualify_handoffs";

/** Predicts again the leads whose history changed (queued by ingest once a predictive model exists). */
export const PREDICTIONS_REFRESH = "predictions.refresh";
/** Looks whether scheduled retraining of the predictive score is due. */
export const PREDICTIONS_RETRAIN = "predictions.retrain";
/** Brings every dynamic segment up to date: the timer for conditions that age (windows, days since). */
export const SEGMENTS_REFRESH = "segments.refresh";
/** Runs the nurture steps that are due (queued on enrolment, and on a timer for waits). */
export const NURTURE_ADVANCE = "nurture.advance";
/** Sends one nurture e-mail (payload: sendId). */
export const EMAIL_SEND = "email.send";
/** A sequence step's trait update, written through ingest (payload: leadId, traits, messageId). */
export const NURTURE_TRAITS = "nurture.traits";
/** A sequence step's note to the lead's owner (payload: leadId, sequence, message). */
export const NURTURE_NOTIFY_OWNER = "nurture.notify_owner";
/** E-mails what a form offered, as a signed link that expires (payload: submissionId). */
export const FORM_LEAD_MAGNET = "form.lead_magnet";
/** E-mails a double opt-in form's confirmation link (payload: submissionId). */
export const FORM_CONFIRM = "form.confirm";
