import { sql, type Transaction } from "kysely";
import { isUuid } from "../../domain/ids.js";
import type { Tables } from "../../storage/tables.js";
import { activeSequences, enrolLeads } from "./enrol.js";
import { endEnrolments } from "./enrolment-ends.js";
import { nurtureSettings } from "./nurture-settings.js";
import { type SuppressionReason, suppress } from "./suppressions.js";

export interface LeadEvent {
	leadId: string;
	name: string;
	properties: Record<string, unknown>;
	at: Date;
}

/** Event names are matched the way people write them: case, spaces and underscores aside. */
const normalName = (name: string) =>
	name
		.trim()
		.toLowerCase()
		.replace(/[\s_]+/g, " ");
export const sameEventName = (a: string, b: string) => normalName(a) === normalName(b);

// Segment's spec names for e-mail feedback (and the soft bounce, which is only recorded)
const FEEDBACK = new Map<
	string,
	{ reason: SuppressionReason; mark: "unsubscribed_at" | "bounced_at" | "complained_at" }
>([
	["email unsubscribed", { reason: "unsubscribed", mark: "unsubscribed_at" }],
	["unsubscribed", { reason: "unsubscribed", mark: "unsubscribed_at" }],
	["email bounced", { reason: "bounced", mark: "bounced_at" }],
	["email marked as spam", { reason: "complained", mark: "complained_at" }],
]);

/** The event the unsubscribe page records when someone stops one sequence but not the rest. */
export const SEQUENCE_STOPPED_EVENT = "Email Sequence Stopped";
const SEQUENCE_STOPPED = normalName(SEQUENCE_STOPPED_EVENT);

const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);

/**
 * What tracked events mean for nurture, in the ingest transaction that stored them: feedback
 * suppresses the address and ends every enrolment; a goal ends its sequence's; a trigger enrols
 * (not for imported history, which happened long ago).
 */
export async function followNurtureEvents(
	trx: Transaction<Tables>,
	events: readonly LeadEvent[],
	now: Date,
	history: boolean,
): Promise<void> {
	if (events.length === 0) return;
	await followFeedback(trx, events, now);
	// "stop this series only", from the unsubscribe page: that enrolment ends, nothing is suppressed
	for (const e of events.filter((e) => normalName(e.name) === SEQUENCE_STOPPED)) {
		const sequenceId = text(e.properties.sequence_id);
		if (sequenceId && isUuid(sequenceId))
			await endEnrolments(
				trx,
				sql`e.lead_id = ${e.leadId}::uuid and e.sequence_id = ${sequenceId}::uuid`,
				"asked to stop this series",
				now,
			);
	}
	const goalName = sql`regexp_replace(lower(trim(v.definition->'exits'->'goal'->>'event')), '[\\s_]+', ' ', 'g')`;
	await endEnrolments(
		trx,
		sql`e.lead_id = any(${[...new Set(events.map((e) => e.leadId))]}::uuid[]) and exists (select 1 from unnest(${events.map((e) => e.leadId)}::uuid[], ${events.map((e) => normalName(e.name))}::text[])
			as g(lead_id, name) where g.lead_id = e.lead_id and g.name = ${goalName})`,
		"reached the goal",
		now,
	);
	if (history) return;
	const triggered = (await activeSequences(trx)).filter((s) => s.definition.trigger.on === "event");
	for (const sequence of triggered) {
		const trigger = sequence.definition.trigger;
		if (trigger.on !== "event") continue;
		const who = events.filter(
			(e) =>
				sameEventName(e.name, trigger.event) &&
				Object.entries(trigger.match ?? {}).every(([k, v]) => String(e.properties[k] ?? "") === String(v)),
		);
		if (who.length > 0)
			await enrolLeads(
				trx,
				sequence,
				who.map((e) => e.leadId),
				`event: ${trigger.event}`,
				now,
			);
	}
}

async function followFeedback(trx: Transaction<Tables>, events: readonly LeadEvent[], now: Date) {
	const feedback = events.flatMap((e) => {
		const kind = FEEDBACK.get(normalName(e.name));
		return kind ? [{ ...e, ...kind }] : [];
	});
	if (feedback.length === 0) return;
	const emails = new Map(
		(
			await trx
				.selectFrom("leads")
				.select(["id", "email"])
				.where("id", "in", [...new Set(feedback.map((f) => f.leadId))])
				.execute()
		).map((r) => [r.id, r.email]),
	);
	await suppress(
		trx,
		feedback.flatMap((f) => {
			const email = text(f.properties.email) ?? emails.get(f.leadId) ?? null;
			return email ? [{ email, reason: f.reason, at: f.at, source: `event: ${f.name}` }] : [];
		}),
	);
	for (const f of feedback) await endEnrolments(trx, sql`e.lead_id = ${f.leadId}::uuid`, f.reason, now);
	const sequences = new Set<string>();
	for (const f of feedback) {
		const sendId = text(f.properties.send_id);
		const messageId = text(f.properties.message_id);
		if (!(sendId && isUuid(sendId)) && !messageId) continue;
		const marked = await sql<{
			sequence_id: string | null;
		}>`update email_sends set ${sql.ref(f.mark)} = coalesce(${sql.ref(f.mark)}, ${f.at})
			where lead_id = ${f.leadId}::uuid and (${sendId && isUuid(sendId) ? sql`id = ${sendId}::uuid` : sql`false`}
				or message_id = ${messageId})
			returning sequence_id`.execute(trx);
		for (const r of marked.rows) if (r.sequence_id) sequences.add(r.sequence_id);
	}
	if (sequences.size > 0) await pauseOnBadRates(trx, [...sequences], now);
}

/** Pauses a running sequence whose unsubscribe or complaint rate passed its limit, saying why. */
export async function pauseOnBadRates(trx: Transaction<Tables>, sequenceIds: readonly string[], now: Date) {
	const { pauseAt } = await nurtureSettings(trx);
	const rates = await sql<{ sequence_id: string; sent: number; unsubscribed: number; complained: number }>`
		select sequence_id, count(*) filter (where status = 'sent')::int as sent,
			count(unsubscribed_at)::int as unsubscribed, count(complained_at)::int as complained
		from email_sends where sequence_id = any(${[...sequenceIds]}::uuid[]) group by sequence_id`.execute(trx);
	for (const r of rates.rows) {
		if (r.sent < pauseAt.minSent) continue;
		const percent = (n: number) => `${((n / r.sent) * 100).toFixed(1)}%`;
		const reason =
			r.complained / r.sent > pauseAt.complaintRate
				? `complaint rate ${percent(r.complained)} (${r.complained} of ${r.sent} sent) passed the limit of ${(pauseAt.complaintRate * 100).toFixed(1)}%`
				: r.unsubscribed / r.sent > pauseAt.unsubscribeRate
					? `unsubscribe rate ${percent(r.unsubscribed)} (${r.unsubscribed} of ${r.sent} sent) passed the limit of ${(pauseAt.unsubscribeRate * 100).toFixed(1)}%`
					: null;
		if (reason)
			await sql`update sequences set status = 'paused', paused_reason = ${`Paused itself: ${reason}`}, updated_at = ${now}
				where id = ${r.sequence_id}::uuid and status = 'active'`.execute(trx);
	}
}

/** A stage move: an exit stage ends the enrolments that name it; a stage trigger enrols. */
export async function followStageMove(
	trx: Transaction<Tables>,
	move: { leadId: string; to: string; now: Date; history?: boolean | undefined },
): Promise<void> {
	await endEnrolments(
		trx,
		sql`e.lead_id = ${move.leadId}::uuid and v.definition->'exits'->'stages' @> ${JSON.stringify([move.to])}::jsonb`,
		`became ${move.to}`,
		move.now,
	);
	if (move.history) return;
	for (const sequence of await activeSequences(trx)) {
		const t = sequence.definition.trigger;
		if (t.on === "stage" && t.to === move.to)
			await enrolLeads(trx, sequence, [move.leadId], `stage: ${t.to}`, move.now);
	}
}

/** Leads that entered segments enrol in the sequences those entries start. */
export async function followSegmentEntries(
	trx: Transaction<Tables>,
	entries: ReadonlyArray<{ segment_id: string; lead_id: string }>,
	now: Date,
): Promise<void> {
	if (entries.length === 0) return;
	for (const sequence of await activeSequences(trx)) {
		const t = sequence.definition.trigger;
		if (t.on !== "segment_entered") continue;
		const who = entries.filter((m) => m.segment_id === t.segment).map((m) => m.lead_id);
		if (who.length > 0) await enrolLeads(trx, sequence, who, "segment entered", now);
	}
}
