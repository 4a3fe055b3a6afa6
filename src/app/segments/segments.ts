import { randomUUID } from "node:crypto";
import { sql, type Transaction } from "kysely";
import { AppError } from "../../domain/errors.js";
import { printSegment } from "../../domain/segments/segment-text.js";
import {
	type Segment,
	type SegmentCondition,
	type SegmentCreate,
	type SegmentDetail,
	type SegmentRefresh,
	SegmentCondition as SegmentSchema,
} from "../../schemas/segments.js";
import type { Db } from "../../storage/database.js";
import type { Tables } from "../../storage/tables.js";
import { inTransaction } from "../../storage/transaction.js";
import { emitEvents } from "../webhook-events.js";
import { segmentOf } from "./preview-segment.js";
import { segmentFrom, segmentWhere } from "./segment-sql.js";

type Executor = Db | Transaction<Tables>;
const errorCode = (e: unknown) => (e as { code?: string } | null)?.code;

/**
 * Brings a dynamic segment's members up to what its condition says at `now`, in the caller's
 * transaction with the segment locked (two refreshes never log one entry twice): the leads that
 * now match enter, those that no longer do leave, and each entry and exit is logged at `now`.
 */
export async function refreshSegmentIn(
	trx: Transaction<Tables>,
	id: string,
	condition: SegmentCondition,
	now: Date,
): Promise<SegmentRefresh> {
	await sql`select id from segments where id = ${id}::uuid for update`.execute(trx);
	const result = await sql<{ change: "entered" | "exited"; lead_id: string }>`
		with matching as (
			select l.id from ${segmentFrom} where l.merged_into is null and ${segmentWhere(condition, now)}),
		gone as (
			delete from segment_members m where m.segment_id = ${id}::uuid
				and not exists (select 1 from matching where matching.id = m.lead_id)
			returning m.lead_id),
		came as (
			insert into segment_members (segment_id, lead_id, entered_at)
			select ${id}::uuid, matching.id, ${now}::timestamptz from matching
			on conflict (segment_id, lead_id) do nothing
			returning lead_id),
		logged as (
			insert into segment_changes (segment_id, lead_id, change, at)
			select ${id}::uuid, lead_id, 'exited', ${now}::timestamptz from gone
			union all
			select ${id}::uuid, lead_id, 'entered', ${now}::timestamptz from came)
		select 'entered' as change, lead_id from came union all select 'exited', lead_id from gone`.execute(trx);
	await sql`update segments set refreshed_at = ${now} where id = ${id}::uuid`.execute(trx);
	return announce(trx, id, result.rows, now);
}

/**
 * Tells the webhooks subscribed to segment.entered and segment.exited who moved (one event a
 * lead and move), in the transaction that moved them, and counts the members now.
 */
async function announce(
	trx: Transaction<Tables>,
	id: string,
	moves: ReadonlyArray<{ change: "entered" | "exited"; lead_id: string }>,
	now: Date,
): Promise<SegmentRefresh> {
	const about = await sql<{ name: string; members: number }>`select name,
			(select count(*)::int from segment_members where segment_id = ${id}::uuid) as members
		from segments where id = ${id}::uuid`.execute(trx);
	const segment = { id, name: about.rows[0]?.name ?? "" };
	const emails = new Map(
		(
			await sql<{ id: string; email: string | null }>`select id, email from leads
				where id = any(${moves.map((m) => m.lead_id)}::uuid[])`.execute(trx)
		).rows.map((r) => [r.id, r.email]),
	);
	const eventsOf = (change: "entered" | "exited") =>
		moves
			.filter((m) => m.change === change)
			.map((m) => ({ segment, lead: { id: m.lead_id, email: emails.get(m.lead_id) ?? null }, at: now.toISOString() }));
	const entered = eventsOf("entered");
	const exited = eventsOf("exited");
	await emitEvents(trx, "segment.entered", entered);
	await emitEvents(trx, "segment.exited", exited);
	return { entered: entered.length, exited: exited.length, members: about.rows[0]?.members ?? 0 };
}

/** Saves a segment; a dynamic one is filled at once, in the same transaction. */
export async function createSegment(db: Db, input: SegmentCreate, now: Date): Promise<SegmentDetail> {
	const kind = input.kind ?? "dynamic";
	const condition = kind === "dynamic" ? segmentOf(input) : null;
	const id = randomUUID();
	try {
		await inTransaction(db, async (trx) => {
			await trx
				.insertInto("segments")
				.values({ id, name: input.name.trim(), kind, condition: condition ? JSON.stringify(condition) : null })
				.execute();
			if (condition) await refreshSegmentIn(trx, id, condition, now);
		});
	} catch (error) {
		if (errorCode(error) === "23505")
			throw new AppError("conflict", `A segment is already named "${input.name.trim()}".`, [
				{ field: "name", message: "already taken" },
			]);
		throw error;
	}
	return getSegment(db, id);
}

interface SegmentRow {
	id: string;
	name: string;
	kind: "dynamic" | "static";
	condition: unknown;
	created_at: Date;
	refreshed_at: Date | null;
	members: number;
}

const segmentRows = (db: Executor, id?: string) =>
	sql<SegmentRow>`select g.id, g.name, g.kind, g.condition, g.created_at, g.refreshed_at,
			(select count(*)::int from segment_members m where m.segment_id = g.id) as members
		from segments g ${id ? sql`where g.id = ${id}::uuid` : sql``} order by lower(g.name)`.execute(db);

function segmentOfRow(row: SegmentRow): Segment & { condition: SegmentCondition | null } {
	const condition = row.condition === null ? null : SegmentSchema.parse(row.condition);
	return {
		id: row.id,
		name: row.name,
		kind: row.kind,
		text: condition ? printSegment(condition) : null,
		condition,
		members: row.members,
		createdAt: new Date(row.created_at).toISOString(),
		refreshedAt: row.refreshed_at ? new Date(row.refreshed_at).toISOString() : null,
	};
}

export async function listSegments(db: Db): Promise<Segment[]> {
	return (await segmentRows(db)).rows.map((row) => {
		const { condition: _, ...segment } = segmentOfRow(row);
		return segment;
	});
}

/** A segment with its size and its latest entries and exits. */
export async function getSegment(db: Db, id: string): Promise<SegmentDetail> {
	const row = (await segmentRows(db, id)).rows[0];
	if (!row) throw new AppError("not_found", `No segment ${id}.`);
	const changes = await sql<{ lead_id: string; email: string | null; change: "entered" | "exited"; at: Date }>`
		select c.lead_id, l.email, c.change, c.at from segment_changes c left join leads l on l.id = c.lead_id
		where c.segment_id = ${id}::uuid order by c.at desc, c.id desc limit 50`.execute(db);
	return {
		...segmentOfRow(row),
		changes: changes.rows.map((c) => ({
			leadId: c.lead_id,
			email: c.email,
			change: c.change,
			at: new Date(c.at).toISOString(),
		})),
	};
}

export async function deleteSegment(db: Db, id: string): Promise<void> {
	const result = await db.deleteFrom("segments").where("id", "=", id).executeTakeFirst();
	if (Number(result.numDeletedRows) === 0) throw new AppError("not_found", `No segment ${id}.`);
}

/** Re-reads a dynamic segment's condition now; a static list says so. */
export async function refreshSegment(db: Db, id: string, now: Date): Promise<SegmentRefresh> {
	const row = await db.selectFrom("segments").select(["kind", "condition"]).where("id", "=", id).executeTakeFirst();
	if (!row) throw new AppError("not_found", `No segment ${id}.`);
	if (row.kind !== "dynamic" || row.condition === null)
		throw new AppError("conflict", "A static list changes only when members are added or removed.");
	const condition = SegmentSchema.parse(row.condition);
	return inTransaction(db, (trx) => refreshSegmentIn(trx, id, condition, now));
}

/** Every dynamic segment brought up to date (the timer for conditions that age: windows, days since). */
export async function refreshAllSegments(db: Db, now: Date): Promise<SegmentRefresh[]> {
	const rows = await db
		.selectFrom("segments")
		.select(["id", "condition"])
		.where("kind", "=", "dynamic")
		.orderBy("id")
		.execute();
	const results: SegmentRefresh[] = [];
	for (const { id, condition } of rows) {
		const tree = SegmentSchema.parse(condition);
		results.push(await inTransaction(db, (trx) => refreshSegmentIn(trx, id, tree, now)));
	}
	return results;
}

/** Adds and removes members of a static list by hand, logging each entry and exit. */
export async function changeListMembers(
	db: Db,
	id: string,
	change: { add: readonly string[]; remove: readonly string[] },
	now: Date,
): Promise<SegmentRefresh> {
	return inTransaction(db, async (trx) => {
		const row = await trx.selectFrom("segments").select("kind").where("id", "=", id).forUpdate().executeTakeFirst();
		if (!row) throw new AppError("not_found", `No segment ${id}.`);
		if (row.kind !== "static")
			throw new AppError("conflict", "A dynamic segment's members follow its condition; change the condition.");
		const live = await sql<{ id: string }>`select id from leads
			where id = any(${[...change.add]}::uuid[]) and merged_into is null`.execute(trx);
		const unknown = change.add.filter((a) => !live.rows.some((r) => r.id === a));
		if (unknown.length > 0)
			throw new AppError(
				"validation_failed",
				"Some leads to add do not exist.",
				unknown.slice(0, 20).map((leadId) => ({ field: "add", message: `no lead ${leadId}` })),
			);
		const moves = await sql<{ change: "entered" | "exited"; lead_id: string }>`
			with came as (
				insert into segment_members (segment_id, lead_id, entered_at)
				select ${id}::uuid, a, ${now}::timestamptz from unnest(${[...change.add]}::uuid[]) as a
				on conflict (segment_id, lead_id) do nothing returning lead_id),
			gone as (
				delete from segment_members where segment_id = ${id}::uuid
					and lead_id = any(${[...change.remove]}::uuid[]) returning lead_id),
			logged as (
				insert into segment_changes (segment_id, lead_id, change, at)
				select ${id}::uuid, lead_id, 'entered', ${now}::timestamptz from came
				union all select ${id}::uuid, lead_id, 'exited', ${now}::timestamptz from gone)
			select 'entered' as change, lead_id from came union all select 'exited', lead_id from gone`.execute(trx);
		return announce(trx, id, moves.rows, now);
	});
}
