import { randomUUID } from "node:crypto";
import { sql, type Transaction } from "kysely";
import { notifyWorkers } from "../jobs/queue.js";
import type { WebhookEventType } from "../schemas/webhooks.js";
import { DELIVERY_ATTEMPTS } from "../storage/job-constants.js";
import type { Tables } from "../storage/tables.js";

/**
 * Records an event for webhooks in the caller's transaction (the outbox): the message once,
 * and a delivery job for each enabled endpoint subscribed to its type. Nothing is sent
 * unless the change that caused it commits. Returns the message id (webhook-id).
 */
export async function emitEvent(
	trx: Transaction<Tables>,
	type: WebhookEventType,
	data: Record<string, unknown>,
	options: { scoreChange?: number } = {},
): Promise<string> {
	const id = `msg_${randomUUID().replaceAll("-", "")}`;
	const payload = { type, timestamp: new Date().toISOString(), data };
	await sql`with message as (
			insert into webhook_messages (id, type, payload) values (${id}, ${type}, ${JSON.stringify(payload)}::jsonb))
		insert into jobs (kind, payload, max_attempts)
		select 'webhook.deliver', jsonb_build_object('messageId', ${id}::text, 'endpointId', e.id), ${DELIVERY_ATTEMPTS}
		from webhook_endpoints e
		where e.enabled and ${type}::text = any(e.events) and e.min_score_change <= ${options.scoreChange ?? Number.POSITIVE_INFINITY}`.execute(
		trx,
	);
	await notifyWorkers(trx);
	return id;
}
