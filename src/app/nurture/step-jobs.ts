import { sql } from "kysely";
import { escapeHtml, headerLine } from "../../email/escape.js";
import type { Mailer } from "../../email/mailer.js";
import type { Db } from "../../storage/database.js";
import { ingestBatch } from "../ingest-batch.js";
import { leadIdentity } from "./lead-identity.js";

/**
 * A step's trait update, written through ingest as an identify call (so scores, segments and
 * accounts follow it); its message id makes a retried job write it once.
 */
export async function writeStepTraits(
	db: Db,
	payload: { leadId: string; traits: Record<string, unknown>; messageId: string },
	now: Date,
): Promise<void> {
	const lead = await db
		.selectFrom("leads")
		.select(["id", "email", "user_id"])
		.where("id", "=", payload.leadId)
		.executeTakeFirst();
	if (!lead) return; // erased since
	const result = await ingestBatch(
		db,
		[
			{
				type: "identify",
				messageId: payload.messageId,
				...leadIdentity(lead),
				traits: payload.traits,
				timestamp: now.toISOString(),
			},
		],
		{ receivedAt: now },
	);
	if (result.errors?.length) throw new Error(`the trait update was refused: ${result.errors[0]?.message}`);
}

/** A step's note to the lead's owner (or, with none, the team's manager), by e-mail. */
export async function notifyOwner(
	db: Db,
	payload: { leadId: string; sequence: string; message: string },
	options: { mailer: Mailer | null; publicUrl: string },
): Promise<"sent" | "no one to tell" | "no mailer"> {
	if (!options.mailer) return "no mailer";
	const row = (
		await sql<{ email: string | null; owner_email: string | null; manager_email: string | null; name: string | null }>`
			select l.email, o.email as owner_email, t.manager_email, l.traits->>'firstName' as name
			from leads l
			left join lateral (select owner_id, team_id from handoffs h where h.lead_id = l.id
				order by h.assigned_at desc limit 1) h on true
			left join owners o on o.id = h.owner_id left join teams t on t.id = h.team_id
			where l.id = ${payload.leadId}::uuid`.execute(db)
	).rows[0];
	const to = row?.owner_email ?? row?.manager_email;
	if (!row || !to) return "no one to tell";
	const who = row.name ?? row.email ?? "a lead";
	const link = `${options.publicUrl.replace(/\/+$/, "")}/leads/${payload.leadId}`;
	await options.mailer.send(to, {
		subject: headerLine(`Nurture note on ${who}: ${payload.sequence}`),
		text: `${payload.message}\n\nLead: ${who}\nSequence: ${payload.sequence}\n${link}\n`,
		html: `<p>${escapeHtml(payload.message)}</p><p>Lead: <a href="${escapeHtml(link)}">${escapeHtml(who)}</a><br>Sequence: ${escapeHtml(payload.sequence)}</p>`,
	});
	return "sent";
}
