import { sql, type Transaction } from "kysely";
import type { Tables } from "../../storage/tables.js";

export type SuppressionReason = "unsubscribed" | "bounced" | "complained" | "manual";

/**
 * Serialises the writes and the send claims of one address: a claim either sees a suppression
 * stored before it, or its message was on its way before the suppression was stored.
 */
export async function lockAddress(trx: Transaction<Tables>, email: string): Promise<void> {
	await sql`select pg_advisory_xact_lock(hashtextextended(${`suppression:${email.toLowerCase()}`}, 0))`.execute(trx);
}

/** Stores suppressions (the first reason an address got is kept); the one writer of the table. */
export async function suppress(
	trx: Transaction<Tables>,
	rows: ReadonlyArray<{ email: string; reason: SuppressionReason; at: Date; source: string }>,
): Promise<void> {
	const unique = [...new Map(rows.map((r) => [r.email.toLowerCase(), r])).values()].sort((a, b) =>
		a.email.localeCompare(b.email),
	);
	for (const r of unique) await lockAddress(trx, r.email);
	if (unique.length === 0) return;
	await sql`insert into suppressions (email, reason, at, source)
		select * from unnest(${unique.map((r) => r.email.toLowerCase())}::text[], ${unique.map((r) => r.reason)}::text[],
			${unique.map((r) => r.at.toISOString())}::timestamptz[], ${unique.map((r) => r.source)}::text[])
		on conflict (email) do nothing`.execute(trx);
}

/**
 * Lifts an unsubscription: its owner has asked again and confirmed by their own click. A bounce,
 * a complaint or a suppression made by hand stays.
 */
export async function liftUnsubscribe(trx: Transaction<Tables>, email: string): Promise<void> {
	await lockAddress(trx, email);
	await trx
		.deleteFrom("suppressions")
		.where("email", "=", email.toLowerCase())
		.where("reason", "=", "unsubscribed")
		.execute();
}

/** Why an address may not be e-mailed, or null. */
export async function suppressionOf(trx: Transaction<Tables>, email: string): Promise<SuppressionReason | null> {
	const row = await trx
		.selectFrom("suppressions")
		.select("reason")
		.where("email", "=", email.toLowerCase())
		.executeTakeFirst();
	return row?.reason ?? null;
}
