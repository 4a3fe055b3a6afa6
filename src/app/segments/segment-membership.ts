/**
 * The one writer of dynamic segments' members: who enters and who leaves, logged with its time
 * and told to webhooks, in the transaction of the change that moved them. Two ways in: a whole
 * segment refreshed (on save, on demand, and by the timer for conditions that age), and the
 * leads one change touched re-checked against every dynamic segment (ingest, a stage move, a
 * score, a touch). A refresh holds its segment exclusively and a re-check holds the segments it
 * reads shared, so that the two never decide on one lead from different moments; two re-checks
 * of one lead are already queued behind its row lock, and the members' key makes each entry
 * and exit happen once.
 */

import { type RawBuilder, sql, type Transaction } from "kysely";
import { segmentLevels } from "../../domain/segments/segment-dependencies.js";
import {
	type SegmentCondition,
	type SegmentRefresh,
	SegmentCondition as SegmentSchema,
} from "../../schemas/segments.js";
import type { Tables } from "../../storage/tables.js";
import { followSegmentEntries } from "../nurture/follow-nurture.js";
import { emitEvents } from "../webhook-events.js";
import { verdictsAmong } from "./segment-sql.js";

export interface DynamicSegment {
	id: string;
	name: string;
	condition: SegmentCondition;
}

interface Move {
	segment_id: string;
	lead_id: string;
	change: "entered" | "exited";
}

// a segment's lock: a refresh holds it exclusively, a re-check of some leads shared
const lockKey = (id: RawBuilder<unknown>) => sql`hashtextextended('qualify:segment:' || ${id}::text, 0)`;

// Checked trees by segment and the digest of its stored tree: ingest re-checks every batch, and a tree is checked once.
const parsed = new Map<string, { version: string; condition: SegmentCondition }>();
function conditionOf(id: string, version: string, raw: unknown): SegmentCondition {
	const known = parsed.get(id);
	if (known?.version === version) return known.condition;
	const condition = SegmentSchema.parse(raw);
	parsed.set(id, { version, condition });
	return condition;
}

/** Every dynamic segment, in the order they may be checked (a segment after those it names). */
export async function dynamicSegments(trx: Transaction<Tables>): Promise<DynamicSegment[][]> {
	const rows = await sql<{ id: string; name: string; condition: unknown; version: string }>`select id, name,
			condition, md5(condition::text) as version
		from segments where kind = 'dynamic' order by id`.execute(trx);
	return segmentLevels(
		rows.rows.map((r) => ({ id: r.id, name: r.name, condition: conditionOf(r.id, r.version, r.condition) })),
	);
}

/**
 * Moves members of the given segments (all checked at `now`, from one statement) to what their
 * conditions say, for the listed leads only or, with `leadIds` null, for every lead.
 */
async function moveMembers(
	trx: Transaction<Tables>,
	segments: readonly DynamicSegment[],
	leadIds: readonly string[] | null,
	now: Date,
): Promise<Move[]> {
	if (segments.length === 0 || leadIds?.length === 0) return [];
	const onlyLeads = (column: RawBuilder<unknown>) =>
		leadIds === null ? sql`` : sql`and ${column} = any(${[...leadIds]}::uuid[])`;
	// each lead read once, its behaviour gathered once for all the segments, one verdict a segment
	const matching = verdictsAmong(segments, leadIds, now);
	const result = await sql<Move>`
		with matching as (${matching}),
		gone as (
			delete from segment_members m where m.segment_id = any(${segments.map((s) => s.id)}::uuid[])
				${onlyLeads(sql`m.lead_id`)}
				and not exists (select 1 from matching x where x.segment_id = m.segment_id and x.lead_id = m.lead_id)
			returning m.segment_id, m.lead_id),
		came as (
			insert into segment_members (segment_id, lead_id, entered_at)
			select segment_id, lead_id, ${now}::timestamptz from matching
			on conflict (segment_id, lead_id) do nothing
			returning segment_id, lead_id),
		logged as (
			insert into segment_changes (segment_id, lead_id, change, at)
			select segment_id, lead_id, 'exited', ${now}::timestamptz from gone
			union all
			select segment_id, lead_id, 'entered', ${now}::timestamptz from came)
		select segment_id, lead_id, 'entered' as change from came
		union all select segment_id, lead_id, 'exited' from gone`.execute(trx);
	return result.rows;
}

/**
 * Brings one dynamic segment's members up to what its condition says at `now`, holding the
 * segment exclusively: the leads that now match enter, those that no longer do leave.
 */
export async function refreshSegmentIn(
	trx: Transaction<Tables>,
	segment: DynamicSegment,
	now: Date,
): Promise<SegmentRefresh> {
	await sql`select pg_advisory_xact_lock(${lockKey(sql`${segment.id}`)})`.execute(trx);
	const moves = await moveMembers(trx, [segment], null, now);
	await sql`update segments set refreshed_at = ${now} where id = ${segment.id}::uuid`.execute(trx);
	await announce(trx, moves, now);
	return tally(trx, segment.id, moves);
}

/** How many entered and left one segment, and its members now. */
export async function tally(
	trx: Transaction<Tables>,
	segmentId: string,
	moves: ReadonlyArray<{ change: "entered" | "exited" }>,
): Promise<SegmentRefresh> {
	const members = await sql<{ n: number }>`select count(*)::int as n from segment_members
		where segment_id = ${segmentId}::uuid`.execute(trx);
	return {
		entered: moves.filter((m) => m.change === "entered").length,
		exited: moves.filter((m) => m.change === "exited").length,
		members: members.rows[0]?.n ?? 0,
	};
}

/**
 * Re-checks the leads a change touched against every dynamic segment, in the caller's
 * transaction (after the change, so the check reads it). Returns the moves made.
 */
export async function recheckSegments(
	trx: Transaction<Tables>,
	leadIds: readonly string[],
	now: Date,
): Promise<number> {
	if (leadIds.length === 0) return 0;
	const levels = await dynamicSegments(trx);
	const all = levels.flat();
	if (all.length === 0) return 0;
	await sql`select count(pg_advisory_xact_lock_shared(h)) from (
		select distinct ${lockKey(sql`s`)} as h from unnest(${all.map((s) => s.id)}::text[]) as s
		order by h) as locks`.execute(trx);
	const ids = [...new Set(leadIds)];
	const moves: Move[] = [];
	// level by level: a segment that names another reads its members as this check left them
	for (const level of levels) moves.push(...(await moveMembers(trx, level, ids, now)));
	await announce(trx, moves, now);
	return moves.length;
}

/**
 * Tells the webhooks subscribed to segment.entered and segment.exited who moved (one event a
 * lead and move), in the transaction that moved them.
 */
export async function announce(trx: Transaction<Tables>, moves: readonly Move[], now: Date): Promise<void> {
	if (moves.length === 0) return;
	const about = await sql<{ id: string; name: string }>`select id, name from segments
		where id = any(${[...new Set(moves.map((m) => m.segment_id))]}::uuid[])`.execute(trx);
	const names = new Map(about.rows.map((r) => [r.id, r.name]));
	const emails = new Map(
		(
			await sql<{ id: string; email: string | null }>`select id, email from leads
				where id = any(${[...new Set(moves.map((m) => m.lead_id))]}::uuid[])`.execute(trx)
		).rows.map((r) => [r.id, r.email]),
	);
	const eventsOf = (change: "entered" | "exited") =>
		moves
			.filter((m) => m.change === change)
			.map((m) => ({
				segment: { id: m.segment_id, name: names.get(m.segment_id) ?? "" },
				lead: { id: m.lead_id, email: emails.get(m.lead_id) ?? null },
				at: now.toISOString(),
			}));
	await emitEvents(trx, "segment.entered", eventsOf("entered"));
	await emitEvents(trx, "segment.exited", eventsOf("exited"));
	await followSegmentEntries(
		trx,
		moves.filter((m) => m.change === "entered"),
		now,
	);
}
