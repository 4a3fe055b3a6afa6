import { randomUUID } from "node:crypto";
import { sql, type Transaction } from "kysely";
import { consentFromEvent } from "../domain/consent.js";
import type { FieldProblem } from "../domain/errors.js";
import { sourceOf } from "../domain/lead-source.js";
import { identitiesOf, type NormalizedEvent, normalizeMessage } from "../domain/normalize-message.js";
import { type IdentityPlan, type KnownLead, keyOf, resolveIdentities } from "../domain/resolve-identities.js";

import { type IngestResult, MAX_EVENT_BYTES, SegmentMessage } from "../schemas/segment.js";
import type { Db } from "../storage/database.js";
import { ensureEventPartitions } from "../storage/event-partitions.js";
import { insertEvents } from "../storage/event-rows.js";
import { mergeLeadInto } from "../storage/lead-merge.js";
import type { Tables } from "../storage/tables.js";
import { inTransaction } from "../storage/transaction.js";
import { type LeadForScoring, type ProfileRow, profilesOf, scoreTouchedLeads, touchedLeads } from "./score-leads.js";

export interface IngestOptions {
	receivedAt?: Date;
	/** merged into each message's context, as Segment's batch-level context */
	context?: Record<string, unknown>;
	sentAt?: string;
}

/** Validates raw messages one by one, reporting each bad one by index and field. */
export function validateMessages(
	raw: readonly unknown[],
	options: IngestOptions,
	receivedAt: Date,
): { events: NormalizedEvent[]; errors: FieldProblem[] } {
	const events: NormalizedEvent[] = [];
	const errors: FieldProblem[] = [];
	raw.forEach((item, index) => {
		const size = Buffer.byteLength(JSON.stringify(item) ?? "");
		if (size > MAX_EVENT_BYTES) {
			errors.push({ index, field: "", message: `event is ${size} bytes; the limit is ${MAX_EVENT_BYTES}` });
			return;
		}
		const withDefaults =
			typeof item === "object" && item !== null
				? {
						sentAt: options.sentAt,
						...item,
						context: { ...options.context, ...(item as { context?: object }).context },
					}
				: item;
		const parsed = SegmentMessage.safeParse(withDefaults);
		if (!parsed.success) {
			for (const issue of parsed.error.issues) {
				errors.push({ index, field: issue.path.join(".") || "type", message: issue.message });
			}
			return;
		}
		const normalized = normalizeMessage(parsed.data, receivedAt, randomUUID);
		if ("problems" in normalized) errors.push(...normalized.problems.map((p) => ({ ...p, index })));
		else events.push(normalized.event);
	});
	return { events, errors };
}

/**
 * Stores a batch of Segment messages: valid ones are stored once each (by messageId),
 * resolved to leads, and the leads' profiles updated, all in one transaction.
 */
export async function ingestBatch(db: Db, raw: readonly unknown[], options: IngestOptions = {}): Promise<IngestResult> {
	const receivedAt = options.receivedAt ?? new Date();
	const { events, errors } = validateMessages(raw, options, receivedAt);
	const stored = events.length > 0 ? await storeEvents(db, events) : 0;
	return {
		success: errors.length === 0,
		accepted: stored,
		duplicates: events.length - stored,
		rejected: raw.length - events.length,
		errors,
	};
}

/** Stores normalized events; returns how many were new. */
export async function storeEvents(db: Db, events: readonly NormalizedEvent[]): Promise<number> {
	await ensureEventPartitions(
		db,
		events.map((e) => e.timestamp),
	);
	return inTransaction(db, async (trx) => {
		await lockIdentities(trx, events);
		const { fresh, known, leads } = await claimAndLookUp(trx, events);
		if (fresh.length === 0) return 0;
		const plan = resolveIdentities(fresh, known, leads, randomUUID);
		const profiles = await upsertLeads(trx, fresh, plan);
		for (const merge of plan.merges) await mergeLeadInto(trx, merge);
		await pointIdentities(trx, plan);
		await insertEvents(trx, fresh, plan.eventLeads);
		await scoreTouchedLeads(trx, await touchedLeads(trx, fresh, plan, profiles), new Date());
		return fresh.length;
	});
}

// Concurrent batches naming the same person queue here, so that two never create one lead
// twice. A statement of its own: later statements then see what the previous holder committed.
async function lockIdentities(trx: Transaction<Tables>, events: readonly NormalizedEvent[]) {
	const keys = [...new Set(events.flatMap((e) => identitiesOf(e).map((id) => keyOf(id.kind, id.value))))];
	await sql`select count(pg_advisory_xact_lock(h)) from (
		select distinct hashtextextended(k, 0) as h from unnest(${keys}::text[]) as k order by h) as locks`.execute(trx);
}

/** One round trip: claim the message ids (dedupe) and read the leads the batch's identities name. */
async function claimAndLookUp(trx: Transaction<Tables>, events: readonly NormalizedEvent[]) {
	const ids = events.flatMap(identitiesOf);
	const rows = await sql<{
		kind: string;
		value: string;
		lead_id: string | null;
		email: string | null;
		user_id: string | null;
	}>`
		with claimed as (
			insert into message_ids (message_id, received_at)
			select * from unnest(${events.map((e) => e.messageId)}::text[], ${events.map((e) => e.receivedAt.toISOString())}::timestamptz[])
			on conflict (message_id) do nothing returning message_id)
		select 'claimed' as kind, message_id as value, null::uuid as lead_id, null as email, null as user_id from claimed
		union all
		select i.kind, i.value, i.lead_id, l.email, l.user_id
		from unnest(${ids.map((i) => i.kind)}::text[], ${ids.map((i) => i.value)}::text[]) as q(kind, value)
		join identities i on i.kind = q.kind and i.value = q.value
		join leads l on l.id = i.lead_id`.execute(trx);
	const claimedIds = new Set<string>();
	const known = new Map<string, string>();
	const leads = new Map<string, KnownLead>();
	for (const row of rows.rows) {
		if (row.kind === "claimed") claimedIds.add(row.value);
		else if (row.lead_id) {
			known.set(`${row.kind}:${row.value}`, row.lead_id);
			leads.set(row.lead_id, { email: row.email, userId: row.user_id });
		}
	}
	const fresh = events.filter((e) => claimedIds.delete(e.messageId)); // first of in-batch repeats only
	return { fresh, known, leads };
}

async function pointIdentities(trx: Transaction<Tables>, plan: IdentityPlan) {
	if (plan.identities.length === 0) return;
	await sql`insert into identities (kind, value, lead_id)
		select * from unnest(${plan.identities.map((i) => i.kind)}::text[],
			${plan.identities.map((i) => i.value)}::text[], ${plan.identities.map((i) => i.leadId)}::uuid[])
		on conflict (kind, value) do update set lead_id = excluded.lead_id`.execute(trx);
}

interface ProfileChange {
	email: string | null;
	userId: string | null;
	traits: Record<string, unknown>;
	timezone: string | null;
	consent: string | null;
	consentAt: string | null;
	consentSource: string | null;
	source: string | null;
	sourceAt: number;
	first: number;
	last: number;
}

/** The change each lead gets from the batch: traits in arrival order, time zone, consent, sightings. */
function leadPatches(events: readonly NormalizedEvent[], plan: IdentityPlan): Map<string, ProfileChange> {
	const patches = new Map<string, ProfileChange>();
	events.forEach((event, index) => {
		const leadId = plan.eventLeads[index];
		if (!leadId) return;
		const time = event.timestamp.getTime();
		const primary = plan.newLeads.get(leadId) ?? plan.primaryUpdates.get(leadId);
		const patch = patches.get(leadId) ?? {
			email: primary?.email ?? null,
			userId: primary?.userId ?? null,
			traits: {},
			timezone: null,
			consent: null,
			consentAt: null,
			consentSource: null,
			source: null,
			sourceAt: time,
			first: time,
			last: time,
		};
		if (event.type === "identify") Object.assign(patch.traits, event.traits);
		patch.timezone = event.timezone ?? patch.timezone;
		const consent = event.type === "track" ? consentFromEvent(event.event) : null;
		if (consent)
			Object.assign(patch, { consent, consentAt: event.timestamp.toISOString(), consentSource: event.event });
		const source = sourceOf(event.context);
		if (source && (patch.source === null || time < patch.sourceAt)) Object.assign(patch, { source, sourceAt: time });
		patch.first = Math.min(patch.first, time);
		patch.last = Math.max(patch.last, time);
		patches.set(leadId, patch);
	});
	return patches;
}

/**
 * Creates the batch's new leads and updates the others in one statement, in id order (the
 * order rescoring locks them in), and returns what scoring reads of each.
 */
async function upsertLeads(
	trx: Transaction<Tables>,
	events: readonly NormalizedEvent[],
	plan: IdentityPlan,
): Promise<Map<string, LeadForScoring>> {
	const patches = leadPatches(events, plan);
	const ids = [...patches.keys()].sort();
	const all = ids.map((id) => patches.get(id) as ProfileChange);
	const rows =
		await sql<ProfileRow>`insert into leads as l (id, email, user_id, traits, timezone, consent_status, consent_at, consent_source,
			source, source_at, first_seen_at, last_seen_at)
		select id, email, user_id, traits::jsonb, timezone, coalesce(consent, 'subscribed'), consent_at, consent_source,
			source, case when source is null then null else source_at end, first_seen, last_seen
		from unnest(${ids}::uuid[], ${all.map((p) => p.email)}::text[], ${all.map((p) => p.userId)}::text[],
			${all.map((p) => JSON.stringify(p.traits))}::text[], ${all.map((p) => p.timezone)}::text[],
			${all.map((p) => p.consent)}::text[], ${all.map((p) => p.consentAt)}::timestamptz[],
			${all.map((p) => p.consentSource)}::text[], ${all.map((p) => p.source)}::text[],
			${all.map((p) => new Date(p.sourceAt).toISOString())}::timestamptz[],
			${all.map((p) => new Date(p.first).toISOString())}::timestamptz[],
			${all.map((p) => new Date(p.last).toISOString())}::timestamptz[])
			as p(id, email, user_id, traits, timezone, consent, consent_at, consent_source, source, source_at, first_seen, last_seen)
		on conflict (id) do update set
			email = coalesce(excluded.email, l.email),
			user_id = coalesce(excluded.user_id, l.user_id),
			traits = l.traits || excluded.traits,
			timezone = coalesce(excluded.timezone, l.timezone),
			consent_status = case when excluded.consent_at is null then l.consent_status else excluded.consent_status end,
			consent_at = coalesce(excluded.consent_at, l.consent_at),
			consent_source = coalesce(excluded.consent_source, l.consent_source),
			source = case when l.source is null or excluded.source_at < l.source_at then coalesce(excluded.source, l.source) else l.source end,
			source_at = case when l.source is null or excluded.source_at < l.source_at then coalesce(excluded.source_at, l.source_at) else l.source_at end,
			first_seen_at = least(l.first_seen_at, excluded.first_seen_at),
			last_seen_at = greatest(l.last_seen_at, excluded.last_seen_at),
			updated_at = now()
		returning id, email, timezone, traits, consent_status, stage, mql_cooldown_until, score_reset_at`.execute(trx);
	return profilesOf(rows.rows);
}
