import { sql, type Transaction } from "kysely";
import { type LeadProfile, mergeLeadProfiles } from "../domain/merge-leads.js";
import type { Tables } from "./tables.js";

async function profileOf(trx: Transaction<Tables>, id: string): Promise<LeadProfile | null> {
	const row = await trx.selectFrom("leads").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
	if (!row) return null;
	return {
		email: row.email,
		userId: row.user_id,
		traits: row.traits,
		timezone: row.timezone,
		consentStatus: row.consent_status,
		consentAt: row.consent_at,
		consentSource: row.consent_source,
		stage: row.stage,
		source: row.source,
		sourceAt: row.source_at,
		firstSeenAt: row.first_seen_at,
		lastSeenAt: row.last_seen_at,
	};
}

/** Folds one lead into another: its events, identities and profile move; the merge is recorded. */
export async function mergeLeadInto(
	trx: Transaction<Tables>,
	merge: { survivorId: string; mergedId: string; messageId: string; reason: string },
): Promise<void> {
	const { survivorId, mergedId } = merge;
	const [survivor, merged] = [await profileOf(trx, survivorId), await profileOf(trx, mergedId)];
	if (!survivor || !merged) return;
	const profile = mergeLeadProfiles(survivor, merged);
	await trx.updateTable("events").set({ lead_id: survivorId }).where("lead_id", "=", mergedId).execute();
	await trx.updateTable("identities").set({ lead_id: survivorId }).where("lead_id", "=", mergedId).execute();
	await trx.updateTable("touches").set({ lead_id: survivorId }).where("lead_id", "=", mergedId).execute();
	// nurture follows the person: one running enrolment a sequence, the survivor's kept
	await sql`update enrolments set status = 'exited', ended_at = now(), next_run_at = null,
			exit_reason = 'merged into another record of the same person'
		where lead_id = ${mergedId}::uuid and status = 'active' and sequence_id in (
			select sequence_id from enrolments where lead_id = ${survivorId}::uuid and status = 'active')`.execute(trx);
	await trx.updateTable("enrolments").set({ lead_id: survivorId }).where("lead_id", "=", mergedId).execute();
	await trx.updateTable("email_sends").set({ lead_id: survivorId }).where("lead_id", "=", mergedId).execute();
	await trx.updateTable("form_submissions").set({ lead_id: survivorId }).where("lead_id", "=", mergedId).execute();
	await trx
		.updateTable("leads")
		.set({ merged_into: survivorId, email: null, user_id: null, updated_at: sql`now()` })
		.where((eb) => eb.or([eb("id", "=", mergedId), eb("merged_into", "=", mergedId)]))
		.execute();
	await trx
		.updateTable("leads")
		.set({
			email: profile.email,
			user_id: profile.userId,
			traits: JSON.stringify(profile.traits),
			timezone: profile.timezone,
			consent_status: profile.consentStatus,
			consent_at: profile.consentAt,
			consent_source: profile.consentSource,
			stage: profile.stage,
			source: profile.source,
			source_at: profile.sourceAt,
			first_seen_at: profile.firstSeenAt,
			last_seen_at: profile.lastSeenAt,
			updated_at: sql`now()`,
		})
		.where("id", "=", survivorId)
		.execute();
	// Both histories are now one: the survivor's scores are rebuilt from its events when next scored.
	await trx.deleteFrom("lead_scores").where("lead_id", "in", [survivorId, mergedId]).execute();
	await sql`insert into lead_merges (survivor_id, merged_id, reason, message_id)
		values (${survivorId}, ${mergedId}, ${merge.reason}, ${merge.messageId})`.execute(trx);
}
