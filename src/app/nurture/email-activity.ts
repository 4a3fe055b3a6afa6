import { sql } from "kysely";
import { machineReason } from "../../domain/nurture/machine-activity.js";
import { verifyLink } from "../../email/signed-links.js";
import type { Db } from "../../storage/database.js";
import { ingestBatch } from "../ingest-batch.js";
import { SEQUENCE_STOPPED_EVENT } from "./follow-nurture.js";
import { leadIdentity } from "./lead-identity.js";
import { linkSecret } from "./nurture-settings.js";

interface SendFacts {
	id: string;
	lead_id: string;
	sequence_id: string | null;
	sequence_name: string | null;
	step: string | null;
	sent_at: Date | null;
	links: number;
	to_address: string | null;
	email: string | null;
	user_id: string | null;
}

async function sendFacts(db: Db, id: string): Promise<SendFacts | null> {
	const row = await sql<SendFacts>`select s.id, s.lead_id, s.sequence_id, q.name as sequence_name, s.step, s.sent_at,
			s.links, s.to_address, l.email, l.user_id
		from email_sends s join leads l on l.id = s.lead_id left join sequences q on q.id = s.sequence_id
		where s.id = ${id}::uuid`.execute(db);
	return row.rows[0] ?? null;
}

/** A tracked event about a send's lead, through ingest (so scoring, segments and nurture follow it). */
async function trackForSend(
	db: Db,
	send: SendFacts,
	event: string,
	messageId: string,
	properties: Record<string, unknown>,
	now: Date,
) {
	const result = await ingestBatch(
		db,
		[
			{
				type: "track",
				event,
				messageId,
				...leadIdentity({ id: send.lead_id, user_id: send.user_id, email: send.email ?? send.to_address }),
				properties: { send_id: send.id, sequence_id: send.sequence_id, step: send.step, ...properties },
				timestamp: now.toISOString(),
			},
		],
		{ receivedAt: now },
	);
	if (result.errors.length > 0) throw new Error(`the ${event} event was refused: ${result.errors[0]?.message}`);
}

/**
 * Records an open (pixel) or a click (signed redirect) and returns where a click goes; null when
 * the token was altered or made for another link (then nothing is recorded and no one is sent
 * anywhere). Machine activity is recorded with its reason, and the event says so, so that scoring
 * rules can leave it out.
 */
export async function recordEmailActivity(
	db: Db,
	input: { kind: "open" | "click"; token: string; url?: string; userAgent: string | null; now: Date },
): Promise<{ url: string | null } | null> {
	const secret = await linkSecret(db);
	const url = input.kind === "click" ? (input.url ?? "") : "";
	if (input.kind === "click" && !/^https?:\/\//i.test(url)) return null;
	const sendId = verifyLink(secret, input.kind, input.token, url);
	if (!sendId) return null;
	const send = await sendFacts(db, sendId);
	if (!send) return null;
	const earlier = await sql<{ at: Date; url: string | null }>`select at, url from email_activity
		where send_id = ${send.id}::uuid and kind = 'click' and at > ${new Date(input.now.getTime() - 60_000)}`.execute(db);
	const machine = machineReason(
		{ kind: input.kind, at: input.now, userAgent: input.userAgent, url: url || null },
		{
			sentAt: send.sent_at ? new Date(send.sent_at) : null,
			earlierClicks: earlier.rows.map((r) => ({ at: new Date(r.at), url: r.url })),
			links: send.links,
		},
	);
	const row = await db
		.insertInto("email_activity")
		.values({ send_id: send.id, kind: input.kind, url: url || null, machine, at: input.now })
		.returning("id")
		.executeTakeFirstOrThrow();
	await trackForSend(
		db,
		send,
		input.kind === "open" ? "email_opened" : "email_clicked",
		`email-activity:${row.id}`,
		{ ...(url ? { url } : {}), machine: machine !== null, ...(machine ? { machine_reason: machine } : {}) },
		input.now,
	);
	return { url: url || null };
}

/** What an unsubscribe link names: the send and its address, or null when the token is not good. */
export async function unsubscribeTarget(
	db: Db,
	token: string,
): Promise<{ sendId: string; email: string | null; sequence: string | null } | null> {
	const sendId = verifyLink(await linkSecret(db), "unsubscribe", token);
	const send = sendId ? await sendFacts(db, sendId) : null;
	return send ? { sendId: send.id, email: send.to_address ?? send.email, sequence: send.sequence_name } : null;
}

/**
 * One-click unsubscribe (RFC 8058): an `Email Unsubscribed` event through ingest, whose
 * transaction suppresses the address, ends every enrolment and marks the send. Saying it twice
 * does nothing more.
 */
export async function unsubscribe(
	db: Db,
	token: string,
	now: Date,
	scope: "all" | "sequence" = "all",
): Promise<{ email: string | null; sequence: string | null } | null> {
	const secret = await linkSecret(db);
	const sendId = verifyLink(secret, "unsubscribe", token);
	const send = sendId ? await sendFacts(db, sendId) : null;
	if (!send) return null;
	const email = send.to_address ?? send.email;
	if (scope === "sequence" && send.sequence_id) {
		await trackForSend(db, send, SEQUENCE_STOPPED_EVENT, `stop-sequence:${send.id}`, { email }, now);
		return { email, sequence: send.sequence_name };
	}
	await trackForSend(db, send, "Email Unsubscribed", `unsubscribe:${send.id}`, { email, channel: "one-click" }, now);
	return { email, sequence: null };
}
