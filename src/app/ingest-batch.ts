import { randomUUID } from "node:crypto";
import { sql, type Transaction } from "kysely";
import { cleanMessage, withoutNulls } from "../domain/clean-input.js";
import { type ConsentStatus, consentAfter, consentFromEvent } from "../domain/consent.js";
import { errorCode, type FieldProblem } from "../domain/errors.js";
import { sourceOf } from "../domain/lead-source.js";
import { identitiesOf, type NormalizedEvent, normalizeMessage } from "../domain/normalize-message.js";
import { type IdentityPlan, type KnownLead, keyOf, resolveIdentities } from "../domain/resolve-identities.js";
import { isObject } from "../domain/traits.js";
import { type IngestResult, MAX_EVENT_BYTES, SegmentMessage } from "../schemas/segment.js";
import type { Db } from "../storage/database.js";
import { ensureEventPartitions } from "../storage/event-partitions.js";
import { insertEvents } from "../storage/event-rows.js";
import { PREDICTIONS_REFRESH } from "../storage/job-constants.js";
import { mergeLeadInto } from "../storage/lead-merge.js";
import { type ProfileRow, profileColumns } from "../storage/lead-profile.js";
import type { Tables } from "../storage/tables.js";
import { inTransaction } from "../storage/transaction.js";
import { linkLeadChanges } from "./lead-changes.js";
import { followNurtureEvents, type LeadEvent } from "./nurture/follow-nurture.js";
import { type LeadForScoring, profilesOf, scoreTouchedLeads, touchedLeads } from "./score-leads.js";

export interface IngestOptions {
	/** when the batch arrived, from the app's clock: skew correction and scoring read it */
	receivedAt: Date;
	/** merged into each message's context, as Segment's batch-level context */
	context?: Record<string, unknown>;
	sentAt?: string;
	/** events before this are refused (default: the year 2000); imports of history may go further back */
	oldestEvent?: Date;
	/** told of each event that could not be stored, with the error (the event is reported, not lost silently) */
	onEventFailed?: (error: unknown, index: number) => void;
	/**
	 * imported history: leads that qualify become MQLs on the day they did, but sales is not
	 * handed years-old leads today and no webhook announces them
	 */
	history?: boolean;
}

/**
 * Validates raw messages one by one: each bad one is an error naming its index and field,
 * each repaired value (NUL, lone surrogates, an email that is not an address) a warning.
 */
export function validateMessages(
	raw: readonly unknown[],
	options: IngestOptions,
): { events: NormalizedEvent[]; indexes: number[]; errors: FieldProblem[]; warnings: FieldProblem[] } {
	const events: NormalizedEvent[] = [];
	const indexes: number[] = [];
	const errors: FieldProblem[] = [];
	const warnings: FieldProblem[] = [];
	const batchContext = cleanMessage(options.context ?? {});
	const sharedContext = "value" in batchContext && isObject(batchContext.value) ? batchContext.value : {};
	raw.forEach((item, index) => {
		if (!isObject(item)) {
			errors.push({ index, field: "", message: "each event must be a JSON object" });
			return;
		}
		const cleaned = cleanMessage(withoutNulls(item));
		if ("problem" in cleaned) {
			errors.push({ ...cleaned.problem, index });
			return;
		}
		const message = cleaned.value as Record<string, unknown>;
		// The walk's count is within six times the JSON's bytes (an escape like \u0001 is six for
		// one): only a message that might be over the limit is serialised to measure it.
		const size = cleaned.size * 6 > MAX_EVENT_BYTES ? Buffer.byteLength(JSON.stringify(message)) : 0;
		if (size > MAX_EVENT_BYTES) {
			errors.push({ index, field: "", message: `event is ${size} bytes; the limit is ${MAX_EVENT_BYTES}` });
			return;
		}
		warnings.push(...cleaned.warnings.map((w) => ({ ...w, index })));
		const context = message.context === undefined ? sharedContext : message.context;
		const withDefaults = {
			sentAt: options.sentAt,
			...message,
			context: isObject(context) ? { ...sharedContext, ...context } : context,
		};
		const parsed = SegmentMessage.safeParse(withDefaults);
		if (!parsed.success) {
			for (const issue of parsed.error.issues) {
				errors.push({ index, field: issue.path.join(".") || "type", message: issue.message });
			}
			return;
		}
		const normalized = normalizeMessage(parsed.data, options.receivedAt, randomUUID, options.oldestEvent);
		if ("problems" in normalized) errors.push(...normalized.problems.map((p) => ({ ...p, index })));
		else {
			events.push(normalized.event);
			indexes.push(index);
			warnings.push(...normalized.warnings.map((w) => ({ ...w, index })));
		}
	});
	return { events, indexes, errors, warnings };
}

/**
 * Stores a batch of Segment messages: valid ones are stored once each (by messageId),
 * resolved to leads, and the leads' profiles updated, all in one transaction. If that
 * transaction fails on what the data holds, each event is stored alone, so that one bad
 * event costs only itself.
 */
export async function ingestBatch(db: Db, raw: readonly unknown[], options: IngestOptions): Promise<IngestResult> {
	const { events, indexes, errors, warnings } = validateMessages(raw, options);
	const { stored, failed } = await storeOrSingleOut(db, events, indexes, options, errors);
	errors.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
	return {
		success: errors.length === 0,
		accepted: stored,
		duplicates: events.length - stored - failed,
		rejected: raw.length - events.length + failed,
		errors,
		warnings,
	};
}

async function storeOrSingleOut(
	db: Db,
	events: readonly NormalizedEvent[],
	indexes: readonly number[],
	options: IngestOptions,
	errors: FieldProblem[],
) {
	if (events.length === 0) return { stored: 0, failed: 0 };
	try {
		return { stored: await storeEvents(db, events, options.receivedAt, options.history), failed: 0 };
	} catch (error) {
		if (isOperational(error)) throw error;
	}
	let stored = 0;
	let failed = 0;
	for (const [i, event] of events.entries()) {
		const index = indexes[i] ?? i;
		try {
			stored += await storeEvents(db, [event], options.receivedAt, options.history);
		} catch (error) {
			if (isOperational(error)) throw error;
			failed++;
			options.onEventFailed?.(error, index);
			errors.push({
				index,
				field: "",
				message: `could not be stored (${errorCode(error) ?? "error"}); nothing of it was kept`,
			});
		}
	}
	return { stored, failed };
}

/**
 * Whether an error is the database's or the network's rather than the data's: then the
 * whole call fails and the client retries later, since nothing it sent was refused.
 */
function isOperational(error: unknown): boolean {
	const code = errorCode(error);
	if (code === undefined) return false;
	if (!/^[0-9A-Z]{5}$/.test(code)) return true; // ECONNRESET and the like
	return /^(08|40|53|57|58|XX)/.test(code);
}

/** Stores normalized events, scoring at `now`; returns how many were new. */
export async function storeEvents(
	db: Db,
	events: readonly NormalizedEvent[],
	now: Date,
	history = false,
): Promise<number> {
	await ensureEventPartitions(
		db,
		events.map((e) => e.timestamp),
		now,
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
		const touched = await touchedLeads(trx, fresh, plan, profiles);
		// the leads' companies, scores, MQLs and segments follow their new events in this transaction
		const groupsChanged = new Set([
			...fresh.flatMap((e, i) => (e.type === "group" && plan.eventLeads[i] ? [plan.eventLeads[i] as string] : [])),
			...plan.merges.map((m) => m.survivorId),
		]);
		const changes = await linkLeadChanges(
			trx,
			[...touched.profiles.keys(), ...plan.merges.map((m) => m.mergedId)],
			groupsChanged,
		);
		await scoreTouchedLeads(trx, touched, now, history);
		await changes.follow(now, history);
		await followNurtureEvents(trx, trackedEvents(fresh, plan.eventLeads), now, history);
		return fresh.length;
	});
}

/** The batch's tracked events with the leads they went to: what nurture follows. */
function trackedEvents(events: readonly NormalizedEvent[], leads: ReadonlyArray<string | undefined>): LeadEvent[] {
	return events.flatMap((e, i) => {
		const leadId = leads[i];
		return e.type === "track" && e.event && leadId
			? [{ leadId, name: e.event, properties: e.properties, at: e.timestamp }]
			: [];
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
			select id, ${events[0]?.receivedAt ?? new Date(0)}::timestamptz from unnest(${events.map((e) => e.messageId)}::text[]) as id
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
		if (event.type === "identify") patch.traits = { ...patch.traits, ...event.traits };
		patch.timezone = event.timezone ?? patch.timezone;
		const consent = event.type === "track" ? consentFromEvent(event.event) : null;
		const current = { status: (patch.consent ?? "subscribed") as ConsentStatus, source: patch.consentSource };
		if (consent && consentAfter(current, consent) === consent)
			Object.assign(patch, { consent, consentAt: event.timestamp.toISOString(), consentSource: event.event });
		const source = sourceOf(event.context);
		if (source && (patch.source === null || time < patch.sourceAt)) Object.assign(patch, { source, sourceAt: time });
		patch.first = Math.min(patch.first, time);
		patch.last = Math.max(patch.last, time);
		patches.set(leadId, patch);
	});
	return patches;
}

/** The stored consent stays: the batch says nothing of it, or asks to confirm one already given or withdrawn (consentAfter). */
const keepsConsent = sql`(excluded.consent_at is null
	or (excluded.consent_status = 'pending' and l.consent_source is not null))`;

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
		await sql<ProfileRow>`with upserted as (insert into leads as l (id, email, user_id, traits, timezone, consent_status, consent_at, consent_source,
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
			consent_status = case when ${keepsConsent} then l.consent_status else excluded.consent_status end,
			consent_at = case when ${keepsConsent} then l.consent_at else excluded.consent_at end,
			consent_source = case when ${keepsConsent} then l.consent_source else excluded.consent_source end,
			source = case when l.source is null or excluded.source_at < l.source_at then coalesce(excluded.source, l.source) else l.source end,
			source_at = case when l.source is null or excluded.source_at < l.source_at then coalesce(excluded.source_at, l.source_at) else l.source_at end,
			first_seen_at = least(l.first_seen_at, excluded.first_seen_at),
			last_seen_at = greatest(l.last_seen_at, excluded.last_seen_at),
			prediction_due = true,
			updated_at = now()
		returning ${profileColumns()}),
		-- the leads' histories changed: once a predictive model is in use, the worker predicts them again
		wake as (insert into jobs (kind) select ${PREDICTIONS_REFRESH}
			where exists (select 1 from predictive_models) and not exists (select 1 from jobs
				where kind = ${PREDICTIONS_REFRESH} and done_at is null and (locked_until is null or locked_until < now())))
		select * from upserted`.execute(trx);
	return profilesOf(rows.rows);
}
