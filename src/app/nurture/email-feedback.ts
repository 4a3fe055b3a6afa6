import { AppError } from "../../domain/errors.js";
import { normalizeEmail } from "../../domain/traits.js";
import type { EmailFeedback } from "../../schemas/nurture.js";
import type { Db } from "../../storage/database.js";
import { inTransaction } from "../../storage/transaction.js";
import { ingestBatch } from "../ingest-batch.js";
import { leadIdentity } from "./lead-identity.js";
import { suppress } from "./suppressions.js";

const EVENT = { hard: "Email Bounced", soft: "Email Soft Bounced", complaint: "Email Marked as Spam" } as const;

/**
 * Bounces and complaints from the mail provider. For a known lead each is an event through
 * ingest (whose transaction suppresses the address and ends its enrolments); an address no lead
 * has is suppressed directly. Soft bounces are only recorded.
 */
export async function recordEmailFeedback(db: Db, input: EmailFeedback, now: Date): Promise<{ recorded: number }> {
	const problems = input.events.flatMap((e, index) =>
		normalizeEmail(e.email)
			? []
			: [{ index, field: `events.${index}.email`, message: `"${e.email}" is not an e-mail address` }],
	);
	if (problems.length > 0) throw new AppError("validation_failed", "Some feedback is not valid.", problems);
	const known = new Map(
		(
			await db
				.selectFrom("identities as i")
				.innerJoin("leads as l", "l.id", "i.lead_id")
				.select(["i.value", "l.id", "l.user_id"])
				.where("i.kind", "=", "email")
				.where(
					"i.value",
					"in",
					input.events.map((e) => normalizeEmail(e.email) as string),
				)
				.execute()
		).map((r) => [r.value, r]),
	);
	const messages = input.events.flatMap((e) => {
		const email = normalizeEmail(e.email) as string;
		const lead = known.get(email);
		if (!lead) return [];
		const event = e.type === "complaint" ? EVENT.complaint : EVENT[e.bounceType];
		const messageId = e.messageId?.replace(/^<|>$/g, "");
		return [
			{
				type: "track",
				event,
				messageId: `feedback:${event}:${email}:${messageId ?? e.at ?? now.toISOString()}`,
				...leadIdentity({ id: lead.id, user_id: lead.user_id, email }),
				properties: {
					email,
					...(messageId ? { message_id: `<${messageId}>` } : {}),
					bounce_type: e.type === "bounce" ? e.bounceType : undefined,
				},
				timestamp: e.at ?? now.toISOString(),
			},
		];
	});
	if (messages.length > 0) {
		const result = await ingestBatch(db, messages, { receivedAt: now });
		if (result.errors.length > 0)
			throw new AppError("validation_failed", "Some feedback could not be stored.", result.errors);
	}
	const unknown = input.events.filter(
		(e) => !known.has(normalizeEmail(e.email) as string) && (e.type === "complaint" || e.bounceType === "hard"),
	);
	if (unknown.length > 0)
		await inTransaction(db, (trx) =>
			suppress(
				trx,
				unknown.map((e) => ({
					email: normalizeEmail(e.email) as string,
					reason: e.type === "complaint" ? ("complained" as const) : ("bounced" as const),
					at: e.at ? new Date(e.at) : now,
					source: "mail provider",
				})),
			),
		);
	return { recorded: input.events.length };
}
