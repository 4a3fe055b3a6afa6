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

/**
 * Records many events of one type at once, in the caller's transaction, for the endpoints
 * subscribed to it (a segment's refresh can move thousands of leads): one statement, and
 * nothing written when no enabled endpoint listens.
 */
export async function emitEvents(
	trx: Transaction<Tables>,
	type: WebhookEventType,
	items: ReadonlyArray<Record<string, unknown>>,
): Promise<number> {
	if (items.length === 0) return 0;
	const timestamp = new Date().toISOString();
	const ids = items.map(() => `msg_${randomUUID().replaceAll("-", "")}`);
	const payloads = items.map((data) => JSON.stringify({ type, timestamp, data }));
	const result = await sql<{ n: number }>`with listening as (
			select id from webhook_endpoints where enabled and ${type}::text = any(events)),
		message as (
			insert into webhook_messages (id, type, payload)
			select m.id, ${type}, m.payload::jsonb from unnest(${ids}::text[], ${payloads}::text[]) as m(id, payload)
			where exists (select 1 from listening)
			returning id),
		queued as (
			insert into jobs (kind, payload, max_attempts)
			select 'webhook.deliver', jsonb_build_object('messageId', message.id, 'endpointId', listening.id), ${DELIVERY_ATTEMPTS}
			from message cross join listening
			returning id)
		select count(*)::int as n from queued`.execute(trx);
	const queued = result.rows[0]?.n ?? 0;
	if (queued > 0) await notifyWorkers(trx);
	return queued;
}
