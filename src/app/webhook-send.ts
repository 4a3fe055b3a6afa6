import type { BlockList } from "node:net";
import type { Db } from "../storage/database.js";
import { postOutbound } from "./outbound-http.js";
import { signWebhook } from "./webhook-signature.js";
import { slackMessageOf } from "./webhook-slack.js";

export interface WebhookTarget {
	url: string;
	secret: string;
	format: "standard" | "slack";
}

export interface SendResult {
	status: number | null;
	/** null when the receiver answered 2xx */
	failure: string | null;
	excerpt: string | null;
	ms: number | null;
}

/**
 * One attempt at one message: the body in the endpoint's format (signed JSON, or a Slack
 * message), through the SSRF guard. Never throws: a failure is in the result.
 */
export async function sendWebhook(
	target: WebhookTarget,
	messageId: string,
	payload: { type: string; timestamp: string; data: Record<string, unknown> },
	options: { allowed: BlockList; timeoutMs?: number; nowSeconds: number },
): Promise<SendResult> {
	const body = target.format === "slack" ? JSON.stringify(slackMessageOf(payload)) : JSON.stringify(payload);
	const headers = signWebhook(target.secret, messageId, options.nowSeconds, body);
	try {
		const response = await postOutbound(target.url, body, headers, {
			allowed: options.allowed,
			timeoutMs: options.timeoutMs ?? 10_000,
		});
		const ok = response.status >= 200 && response.status < 300;
		return {
			status: response.status,
			failure: ok ? null : `HTTP ${response.status}`,
			excerpt: response.body.slice(0, 500),
			ms: Math.round(response.ms),
		};
	} catch (error) {
		return { status: null, failure: error instanceof Error ? error.message : String(error), excerpt: null, ms: null };
	}
}

/** Keeps one attempt in the endpoint's delivery log. */
export async function logAttempt(
	db: Db,
	attempt: { messageId: string; endpointId: string; attempt: number },
	result: SendResult,
): Promise<void> {
	await db
		.insertInto("webhook_attempts")
		.values({
			message_id: attempt.messageId,
			endpoint_id: attempt.endpointId,
			attempt: attempt.attempt,
			status: result.status,
			latency_ms: result.ms,
			succeeded: result.failure === null,
			response_excerpt: result.excerpt,
			error: result.failure,
		})
		.execute();
}
