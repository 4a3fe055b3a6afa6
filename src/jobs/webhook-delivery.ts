import type { BlockList } from "node:net";
import { sql } from "kysely";
import type { Logger } from "pino";
import { logAttempt, sendWebhook } from "../app/webhook-send.js";
import type { Db } from "../storage/database.js";
import { DELIVERY_SCHEDULE_MS } from "../storage/job-constants.js";
import { type Job, RetryLater } from "./queue.js";

const DISABLE_AFTER_MS = 3 * 86_400_000;

interface Delivery {
	url: string;
	secret: string;
	format: "standard" | "slack";
	enabled: boolean;
	payload: { type: string; timestamp: string; data: Record<string, unknown> };
}

/**
 * Delivers one webhook message to one endpoint: signed (Standard Webhooks, the same
 * webhook-id on every retry), through the SSRF guard, each attempt logged. A failure is
 * retried on the delivery schedule; an endpoint failing for three days is disabled.
 */
export function webhookDelivery(
	db: Db,
	options: { allowed: BlockList; logger?: Logger; schedule?: readonly number[]; timeoutMs?: number },
) {
	const schedule = options.schedule ?? DELIVERY_SCHEDULE_MS;
	return async (job: Job): Promise<void> => {
		const messageId = String(job.payload.messageId);
		const endpointId = String(job.payload.endpointId);
		const found = await sql<Delivery>`select e.url, e.secret, e.format, e.enabled, m.payload
			from webhook_endpoints e join webhook_messages m on m.id = ${messageId} where e.id = ${endpointId}::uuid`.execute(
			db,
		);
		const delivery = found.rows[0];
		if (!delivery?.enabled) return; // the endpoint was removed or disabled meanwhile
		const result = await sendWebhook(delivery, messageId, delivery.payload, {
			allowed: options.allowed,
			timeoutMs: options.timeoutMs ?? 10_000,
			nowSeconds: Math.floor(Date.now() / 1000),
		});
		await logAttempt(db, { messageId, endpointId, attempt: job.attempts }, result);
		const { failure } = result;
		if (failure === null) {
			await sql`update webhook_endpoints set failing_since = null where id = ${endpointId}::uuid and failing_since is not null`.execute(
				db,
			);
			return;
		}
		const endpoint = await sql<{ failing_since: Date }>`update webhook_endpoints
			set failing_since = coalesce(failing_since, now()) where id = ${endpointId}::uuid returning failing_since`.execute(
			db,
		);
		const since = endpoint.rows[0]?.failing_since;
		if (since && Date.now() - since.getTime() >= DISABLE_AFTER_MS) {
			const reason = `disabled after failing since ${since.toISOString()}: ${failure}`;
			await sql`update webhook_endpoints set enabled = false, disabled_reason = ${reason}, updated_at = now()
				where id = ${endpointId}::uuid`.execute(db);
			options.logger?.warn({ endpoint: endpointId, url: delivery.url }, reason);
			return;
		}
		const delay = schedule[Math.min(job.attempts - 1, schedule.length - 1)] ?? 86_400_000;
		throw new RetryLater(`webhook ${messageId} to ${delivery.url}: ${failure}`, delay);
	};
}
