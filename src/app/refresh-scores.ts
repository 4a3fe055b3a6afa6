import { sql } from "kysely";
import { activeVersion } from "../storage/active-version.js";
import type { Db } from "../storage/database.js";
import { type ProfileRow, profileColumns } from "../storage/lead-profile.js";
import { inTransaction } from "../storage/transaction.js";
import { followScoreChanges } from "./lead-changes.js";
import { profilesOf, scoreTouchedLeads } from "./score-leads.js";

/**
 * Brings stored scores older than `staleAfterMs` up to now: engagement decays and windows
 * close with time alone, and lists, filters and sorts read the stored score. Leads are taken
 * in id order (as ingest locks them) in chunks, skipping any a batch is scoring right now; a
 * lead that crosses into qualifying becomes an MQL as on ingest. Returns the leads refreshed.
 */
export async function refreshStaleScores(
	db: Db,
	options: { staleAfterMs?: number; now: Date; chunkSize?: number },
): Promise<number> {
	const { now } = options;
	const cutoff = new Date(now.getTime() - (options.staleAfterMs ?? 3_600_000));
	let refreshed = 0;
	let after = "00000000-0000-0000-0000-000000000000";
	for (;;) {
		const chunk = await inTransaction(db, async (trx) => {
			const leads = await sql<ProfileRow>`select ${profileColumns("l")}
				from leads l join lead_scores s on s.lead_id = l.id and s.model_version = ${activeVersion}
				where l.merged_into is null and s.scored_at < ${cutoff} and l.id > ${after}::uuid
				order by l.id limit ${options.chunkSize ?? 500} for update of l skip locked`.execute(trx);
			const last = leads.rows[leads.rows.length - 1];
			if (!last) return 0;
			await scoreTouchedLeads(trx, { events: new Map(), created: new Set(), profiles: profilesOf(leads.rows) }, now);
			await followScoreChanges(
				trx,
				leads.rows.map((r) => r.id),
				now,
			);
			after = last.id;
			return leads.rows.length;
		});
		if (chunk === 0) return refreshed;
		refreshed += chunk;
	}
}
