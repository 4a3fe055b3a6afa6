import { randomUUID } from "node:crypto";
import type { BlockList } from "node:net";
import type { z } from "@hono/zod-openapi";
import { type Selectable, sql } from "kysely";
import { AppError } from "../domain/errors.js";
import { isUuid } from "../domain/ids.js";
import { enqueueJob } from "../jobs/queue.js";
import { isWebhookEventType, type WebhookEndpoint, type WebhookEndpointCreate } from "../schemas/webhooks.js";
import type { Db } from "../storage/database.js";
import { DELIVERY_ATTEMPTS } from "../storage/job-constants.js";
import type { WebhookEndpointsTable } from "../storage/tables.js";
import { outboundUrlProblem } from "./outbound-http.js";
import { logAttempt, type SendResult, sendWebhook } from "./webhook-send.js";
import { newWebhookSecret } from "./webhook-signature.js";

type Row = Selectable<WebhookEndpointsTable>;

function toEndpoint(row: Row): WebhookEndpoint {
	return {
		id: row.id,
		url: row.url,
		description: row.description,
		events: row.events.filter(isWebhookEventType),
		format: row.format,
		minScoreChange: row.min_score_change,
		enabled: row.enabled,
		disabledReason: row.disabled_reason,
		failingSince: row.failing_since ? new Date(row.failing_since).toISOString() : null,
		createdAt: new Date(row.created_at).toISOString(),
	};
}

async function rowOf(db: Db, id: string): Promise<Row> {
	const row = isUuid(id)
		? await db.selectFrom("webhook_endpoints").selectAll().where("id", "=", id).executeTakeFirst()
		: undefined;
	if (!row) throw new AppError("not_found", `No webhook endpoint ${id}.`);
	return row;
}

type EndpointInput = z.output<typeof WebhookEndpointCreate>;

/** The address guard, when the URL is saved: a loopback or private target is refused at once. */
async function refuseUnsafeUrl(url: string, allowed: BlockList): Promise<void> {
	const problem = await outboundUrlProblem(url, allowed);
	if (problem)
		throw new AppError("validation_failed", `Webhooks may not go to ${url}: ${problem}.`, [
			{ field: "url", message: problem },
		]);
}

/** A new endpoint; its signing secret is returned this once. */
export async function createEndpoint(
	db: Db,
	input: EndpointInput,
	allowed: BlockList,
): Promise<WebhookEndpoint & { secret: string }> {
	await refuseUnsafeUrl(input.url, allowed);
	const secret = newWebhookSecret();
	const row = await db
		.insertInto("webhook_endpoints")
		.values({
			id: randomUUID(),
			url: input.url,
			description: input.description,
			events: input.events,
			secret,
			format: input.format,
			min_score_change: input.minScoreChange,
		})
		.returningAll()
		.executeTakeFirstOrThrow();
	return { ...toEndpoint(row), secret };
}

export async function listEndpoints(db: Db): Promise<WebhookEndpoint[]> {
	return (await db.selectFrom("webhook_endpoints").selectAll().orderBy("created_at").execute()).map(toEndpoint);
}

export async function getEndpoint(db: Db, id: string): Promise<WebhookEndpoint> {
	return toEndpoint(await rowOf(db, id));
}

/** Changes an endpoint; enabling it again clears its failure record. */
export async function updateEndpoint(
	db: Db,
	id: string,
	patch: Partial<EndpointInput> & { enabled?: boolean },
	allowed: BlockList,
): Promise<WebhookEndpoint> {
	await rowOf(db, id);
	if (patch.url !== undefined) await refuseUnsafeUrl(patch.url, allowed);
	const row = await db
		.updateTable("webhook_endpoints")
		.set({
			...(patch.url !== undefined ? { url: patch.url } : {}),
			...(patch.description !== undefined ? { description: patch.description } : {}),
			...(patch.events !== undefined ? { events: patch.events } : {}),
			...(patch.format !== undefined ? { format: patch.format } : {}),
			...(patch.minScoreChange !== undefined ? { min_score_change: patch.minScoreChange } : {}),
			...(patch.enabled !== undefined
				? { enabled: patch.enabled, ...(patch.enabled ? { disabled_reason: null, failing_since: null } : {}) }
				: {}),
			updated_at: sql`now()`,
		})
		.where("id", "=", id)
		.returningAll()
		.executeTakeFirstOrThrow();
	return toEndpoint(row);
}

export async function deleteEndpoint(db: Db, id: string): Promise<void> {
	await rowOf(db, id);
	await db.deleteFrom("webhook_endpoints").where("id", "=", id).execute();
}

/**
 * Sends a sample event to an endpoint now, in its format and signed with its secret, and logs the
 * attempt beside real deliveries; the answer says what the receiver said.
 */
export async function sendTestMessage(db: Db, id: string, allowed: BlockList, now: Date): Promise<SendResult> {
	const endpoint = await rowOf(db, id);
	const messageId = `msg_test_${randomUUID()}`;
	const payload = {
		type: "webhook.test",
		timestamp: now.toISOString(),
		data: { lead: { email: "test@example.com" }, reason: "A test message from Qualify: your endpoint works." },
	};
	await db
		.insertInto("webhook_messages")
		.values({ id: messageId, type: payload.type, payload: JSON.stringify(payload) })
		.execute();
	const result = await sendWebhook(endpoint, messageId, payload, {
		allowed,
		nowSeconds: Math.floor(now.getTime() / 1000),
	});
	await logAttempt(db, { messageId, endpointId: id, attempt: 1 }, result);
	return result;
}

/** The endpoint's delivery log, newest first. */
export async function endpointAttempts(db: Db, id: string, limit = 100) {
	await rowOf(db, id);
	const rows = await sql<{
		message_id: string;
		type: string;
		attempt: number;
		at: Date;
		status: number | null;
		latency_ms: number | null;
		succeeded: boolean;
		response_excerpt: string | null;
		error: string | null;
	}>`select a.message_id, m.type, a.attempt, a.at, a.status, a.latency_ms, a.succeeded, a.response_excerpt, a.error
		from webhook_attempts a join webhook_messages m on m.id = a.message_id
		where a.endpoint_id = ${id}::uuid order by a.at desc, a.id desc limit ${limit}`.execute(db);
	return rows.rows.map((r) => ({
		messageId: r.message_id,
		type: r.type,
		attempt: r.attempt,
		at: new Date(r.at).toISOString(),
		status: r.status,
		latencyMs: r.latency_ms,
		succeeded: r.succeeded,
		responseExcerpt: r.response_excerpt,
		error: r.error,
	}));
}

/** Sends a message to an endpoint again, with the same webhook-id. */
export async function replayMessage(db: Db, endpointId: string, messageId: string): Promise<void> {
	await rowOf(db, endpointId);
	const message = await db.selectFrom("webhook_messages").select("id").where("id", "=", messageId).executeTakeFirst();
	if (!message) throw new AppError("not_found", `No webhook message ${messageId}.`);
	await enqueueJob(db, "webhook.deliver", { messageId, endpointId }, { maxAttempts: DELIVERY_ATTEMPTS });
}
