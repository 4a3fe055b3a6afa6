import { BlockList } from "node:net";
import type { Logger } from "pino";
import { activeModel } from "../app/active-model.js";
import { sendLeadMagnet } from "../app/forms/lead-magnet.js";
import { sendConfirmation } from "../app/forms/opt-in.js";
import { advanceNurture } from "../app/nurture/advance.js";
import { sendQueuedEmail } from "../app/nurture/send-email.js";
import { notifyOwner, writeStepTraits } from "../app/nurture/step-jobs.js";
import { refreshDuePredictions } from "../app/predict-leads.js";
import { retrainIfDue } from "../app/predictive-schedule.js";
import { refreshStaleScores } from "../app/refresh-scores.js";
import { rescoreAll } from "../app/rescore.js";
import { refreshAllSegments } from "../app/segments/segments.js";
import type { Clock } from "../domain/clock.js";
import type { Mailer } from "../email/mailer.js";
import type { Db } from "../storage/database.js";
import {
	EMAIL_SEND,
	FORM_CONFIRM,
	FORM_LEAD_MAGNET,
	NURTURE_ADVANCE,
	NURTURE_NOTIFY_OWNER,
	NURTURE_TRAITS,
	PREDICTIONS_REFRESH,
	PREDICTIONS_RETRAIN,
	SEGMENTS_REFRESH,
} from "../storage/job-constants.js";
import { emailHandoff } from "./email-handoff.js";
import { extendLease, scheduleOnce } from "./queue.js";
import { slaCheck } from "./sla-check.js";
import { webhookDelivery } from "./webhook-delivery.js";
import type { JobHandler } from "./worker.js";

export const SCORES_REFRESH = "scores.refresh";
const SCORES_REFRESH_EVERY_MS = 15 * 60_000;
const RETRAIN_LOOK_EVERY_MS = 60 * 60_000;
const SEGMENTS_REFRESH_EVERY_MS = 5 * 60_000;
const NURTURE_LOOK_EVERY_MS = 30_000;

/**
 * Every job kind and its handler, in one place. Later features (webhook delivery, email
 * sends, SLA timers) add theirs here.
 */
export function jobHandlers(
	db: Db,
	options: { clock: Clock; logger?: Logger; webhookAllow?: BlockList; mailer?: Mailer | null; publicUrl?: string },
): Record<string, JobHandler> {
	const { logger, clock } = options;
	const mail = { mailer: options.mailer ?? null, publicUrl: options.publicUrl ?? "http://localhost:8080" };
	return {
		// Recurring, and woken at once by enrolments: runs the nurture steps that are due.
		[NURTURE_ADVANCE]: async (job) => {
			try {
				const ran = await advanceNurture(db, clock.now());
				if (ran > 0) logger?.debug({ job: job.id, ran }, "ran nurture steps");
			} finally {
				await scheduleOnce(db, NURTURE_ADVANCE, new Date(clock.now().getTime() + NURTURE_LOOK_EVERY_MS), job.id);
			}
		},
		[FORM_LEAD_MAGNET]: async (job) => {
			const outcome = await sendLeadMagnet(db, String(job.payload.submissionId), clock.now(), mail);
			if (outcome !== "sent") logger?.info({ job: job.id, outcome }, "lead magnet not sent");
		},
		[FORM_CONFIRM]: async (job) => {
			const outcome = await sendConfirmation(db, String(job.payload.submissionId), clock.now(), mail);
			if (outcome !== "sent") logger?.info({ job: job.id, outcome }, "confirmation e-mail not sent");
		},
		[EMAIL_SEND]: async (job) => {
			const outcome = await sendQueuedEmail(db, String(job.payload.sendId), clock.now(), mail);
			logger?.debug({ job: job.id, send: job.payload.sendId, outcome }, "nurture e-mail");
		},
		[NURTURE_TRAITS]: async (job) => {
			const p = job.payload as { leadId: string; traits: Record<string, unknown>; messageId: string };
			await writeStepTraits(db, p, clock.now());
		},
		[NURTURE_NOTIFY_OWNER]: async (job) => {
			const p = job.payload as { leadId: string; sequence: string; message: string };
			const outcome = await notifyOwner(db, p, mail);
			if (outcome !== "sent")
				logger?.info({ job: job.id, lead: p.leadId, outcome }, "nurture note to the owner not sent");
		},
		"webhook.deliver": webhookDelivery(db, { allowed: options.webhookAllow ?? new BlockList(), logger }),
		"handoff.sla_check": slaCheck(db, logger),
		"email.handoff": emailHandoff(db, {
			mailer: options.mailer ?? null,
			publicUrl: options.publicUrl ?? "http://localhost:8080",
			logger,
		}),
		// Recurring: stored scores follow decay and windows, then the next run is queued.
		[SCORES_REFRESH]: async (job) => {
			const refreshed = await refreshStaleScores(db, { now: clock.now() });
			if (refreshed > 0) logger?.info({ job: job.id, refreshed }, "refreshed stale scores");
			await scheduleOnce(db, SCORES_REFRESH, new Date(clock.now().getTime() + SCORES_REFRESH_EVERY_MS), job.id);
		},
		// Queued by ingest once a predictive model exists: the leads whose history changed.
		[PREDICTIONS_REFRESH]: async (job) => {
			const predicted = await refreshDuePredictions(db, clock.now());
			if (predicted > 0) logger?.debug({ job: job.id, predicted }, "predicted leads again");
		},
		// Recurring: retrains the predictive score when its schedule says so, then looks again later.
		[PREDICTIONS_RETRAIN]: async (job) => {
			try {
				const card = await retrainIfDue(db, clock.now());
				if (card) logger?.info({ job: job.id, leads: card.leads, auc: card.auc }, "retrained the predictive score");
			} catch (error) {
				// kept on the schedule (qualify predict --schedule shows it); the next time comes round anyway
				logger?.warn({ err: error, job: job.id }, "scheduled retraining failed");
			} finally {
				await scheduleOnce(db, PREDICTIONS_RETRAIN, new Date(clock.now().getTime() + RETRAIN_LOOK_EVERY_MS), job.id);
			}
		},
		// Recurring: dynamic segments follow conditions that age with time, then the next run is queued.
		[SEGMENTS_REFRESH]: async (job) => {
			try {
				const results = await refreshAllSegments(db, clock.now());
				const moved = results.reduce((n, r) => n + r.entered + r.exited, 0);
				if (moved > 0) logger?.info({ job: job.id, segments: results.length, moved }, "refreshed segments");
			} finally {
				await scheduleOnce(db, SEGMENTS_REFRESH, new Date(clock.now().getTime() + SEGMENTS_REFRESH_EVERY_MS), job.id);
			}
		},
		// Queued by a publish: rescore every lead under the model, unless a newer one has
		// been published since (its own job does the work then).
		rescore: async (job) => {
			const active = await activeModel(db);
			if (!active || active.id !== job.payload.modelId) return;
			let lastBeat = Date.now();
			const summary = await rescoreAll(db, {
				version: active.version,
				now: clock.now(),
				onProgress: () => {
					if (Date.now() - lastBeat < 10_000) return;
					lastBeat = Date.now();
					extendLease(db, job.id).catch((error) =>
						logger?.warn({ err: error, job: job.id }, "could not extend the lease"),
					);
				},
			});
			logger?.info({ job: job.id, ...summary }, "rescored every lead");
		},
	};
}
