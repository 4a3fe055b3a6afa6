import type { Logger } from "pino";
import { systemClock } from "../app/system-clock.js";
import { smtpMailer } from "../email/mailer.js";
import { jobHandlers, SCORES_REFRESH } from "../jobs/handlers.js";
import { scheduleOnce } from "../jobs/queue.js";
import { runWorker } from "../jobs/worker.js";
import { JOBS_CHANNEL, NURTURE_ADVANCE, PREDICTIONS_RETRAIN, SEGMENTS_REFRESH } from "../storage/job-constants.js";
import type { Config } from "./config.js";
import type { Store } from "./open-store.js";

/** The job worker as `serve` and `worker` run it: every handler, woken by NOTIFY at commit. */
export async function startWorker(store: Store, config: Config, logger: Logger, signal: AbortSignal): Promise<void> {
	const clock = systemClock;
	if (!config.smtpUrl)
		logger.warn("e-mail is not configured: set SMTP_URL to send handoff and SLA e-mails; until then none is sent");
	await scheduleOnce(store.db, SCORES_REFRESH, clock.now());
	await scheduleOnce(store.db, PREDICTIONS_RETRAIN, clock.now());
	await scheduleOnce(store.db, SEGMENTS_REFRESH, clock.now());
	await scheduleOnce(store.db, NURTURE_ADVANCE, clock.now());
	return runWorker({
		db: store.db,
		handlers: jobHandlers(store.db, {
			clock,
			logger,
			webhookAllow: config.webhookAllow,
			mailer: smtpMailer(config.smtpUrl, config.emailFrom, config.smtp),
			publicUrl: config.publicUrl,
		}),
		logger,
		subscribe: (wake) => store.listen(JOBS_CHANNEL, wake),
		signal,
	});
}
