import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** A new endpoint secret in the Standard Webhooks form: `whsec_` and base64 of 24 random bytes. */
export function newWebhookSecret(): string {
	return `whsec_${randomBytes(24).toString("base64")}`;
}

function keyOf(secret: string): Buffer {
	return Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64");
}

/**
 * The headers of a signed delivery (Standard Webhooks): `webhook-signature` is `v1,` and the
 * base64 HMAC-SHA256 of `id.timestamp.body` under the secret's key.
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): Record<string, string> {
	const signature = createHmac("sha256", keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest("base64");
	return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": `v1,${signature}` };
}

/** Checks a delivery as a receiver would: any listed v1 signature matches, and the time is within tolerance. */
export function verifyWebhook(
	secret: string,
	headers: { id: string; timestamp: string; signature: string },
	body: string,
	now = Date.now(),
	toleranceSeconds = 300,
): boolean {
	const timestamp = Number(headers.timestamp);
	if (!Number.isInteger(timestamp) || Math.abs(now / 1000 - timestamp) > toleranceSeconds) return false;
	const expected = Buffer.from((signWebhook(secret, headers.id, timestamp, body)["webhook-signature"] ?? "").slice(3));
	return headers.signature
		.split(" ")
		.filter((s) => s.startsWith("v1,"))
		.some((s) => {
			const given = Buffer.from(s.slice(3));
			return given.length === expected.length && timingSafeEqual(given, expected);
		});
}
