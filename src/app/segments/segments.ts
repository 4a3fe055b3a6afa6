import { randomUUID } from "node:crypto";
import { sql, type Transaction } from "kysely";
import { AppError } from "../../domain/errors.js";
import { agingSegments, cycleThrough, namedSegments } from "../../domain/segments/segment-dependencies.js";
import { printSegment } from "../../domain/segments/segment-text.js";
import {
	type Segment,
	type SegmentCondition,
	type SegmentCreate,
	type SegmentDetail,
	type SegmentRefresh,
	SegmentCondition as SegmentSchema,
	type SegmentUpdate,
} from "../../schemas/segments.js";
import type { Db } from "../../storage/database.js";
import type { Tables } from "../../storage/tables.js";
import { inTransaction } from "../../storage/transaction.js";
import { filteredLeads, type LeadFilters } from "../leads.js";
import { segmentOf } from "./preview-segment.js";
import { changesPage } from "./segment-history.js";
import { announce, dynamicSegments, recheckSegments, refreshSegmentIn, tally } from "./segment-membership.js";

type Executor = Db | Transaction<Tables>;
const errorCode = (e: unknown) => (e as { code?: string } | null)?.code;

/** Saves a segment; a dynamic one is filled at once, in the same transaction. */
export async function createSegment(db: Db, input: SegmentCreate, now: Date): Promise<SegmentDetail> {
	const kind = input.kind ?? "dynamic";
	const condition = kind === "dynamic" ? segmentOf(input) : null;
	const id = randomUUID();
	const name = input.name.trim();
	try {
		await inTransaction(db, async (trx) => {
			if (condition) await checkNamedSegments(trx, name, condition);
			await trx
				.insertInto("segments")
				.values({ id, name, kind, condition: condition ? JSON.stringify(condition) : null })
				.execute();
			if (condition) await refreshSegmentIn(trx, { id, name, condition }, now);
		});
	} catch (error) {
		if (errorCode(error) === "23505") throw nameTaken(name);
		throw error;
	}
	return getSegment(db, id);
}

const nameTaken = (name: string) =>
	new AppError("conflict", `A segment is already named "${name}".`, [{ field: "name", message: "already taken" }]);

/**
 * Renames a segment or changes its condition; a dynamic one is brought up to date at once, in
 * the same transaction (who left and who entered is logged as for any change). A segment that
 * others name keeps its name, and a condition may not come back round to its own segment.
 */
export async function updateSegment(db: Db, id: string, input: SegmentUpdate, now: Date): Promise<SegmentDetail> {
	const newCondition = input.text !== undefined || input.condition !== undefined ? segmentOf(input) : null;
	try {
		await inTransaction(db, async (trx) => {
			const row = await trx
				.selectFrom("segments")
				.select(["name", "kind"])
				.where("id", "=", id)
				.forUpdate()
				.executeTakeFirst();
			if (!row) throw new AppError("not_found", `No segment ${id}.`);
			if (newCondition && row.kind === "static")
				throw new AppError("conflict", "A static list has no condition: add or remove its members.");
			const name = input.name?.trim() ?? row.name;
			const others = (
				await trx.selectFrom("segments").select(["name", "condition"]).where("id", "!=", id).execute()
			).map((s) => ({ name: s.name, condition: s.condition === null ? null : SegmentSchema.parse(s.condition) }));
			if (name.toLowerCase() !== row.name.toLowerCase()) {
				const namers = others.filter((s) => s.condition && namedSegments(s.condition).has(row.name.toLowerCase()));
				if (namers.length > 0)
					throw new AppError("validation_failed", "Other segments name this one.", [
						{
							field: "name",
							message: `named by ${namers.map((s) => `"${s.name}"`).join(", ")}: change them first`,
						},
					]);
			}
			if (newCondition) {
				await checkNamedSegments(trx, name, newCondition);
				const cycle = cycleThrough(others, name, newCondition);
				if (cycle.length > 0)
					throw new AppError("validation_failed", "The condition would lean on itself.", [
						{ field: "text", message: `"${cycle[0]}" names this segment (${[...cycle, name].join(" → ")})` },
					]);
			}
			await trx
				.updateTable("segments")
				.set({
					name,
					updated_at: now,
					...(newCondition ? { condition: JSON.stringify(newCondition) } : {}),
				})
				.where("id", "=", id)
				.execute();
			if (newCondition) {
				await refreshSegmentIn(trx, { id, name, condition: newCondition }, now);
				// the segments that name this one, directly or through others, follow it
				const affected = new Set([name.toLowerCase()]);
				for (const segment of (await dynamicSegments(trx)).flat()) {
					if (![...namedSegments(segment.condition)].some((n) => affected.has(n))) continue;
					await refreshSegmentIn(trx, segment, now);
					affected.add(segment.name.toLowerCase());
				}
			}
		});
	} catch (error) {
		if (errorCode(error) === "23505") throw nameTaken(input.name?.trim() ?? "");
		throw error;
	}
	return getSegment(db, id);
}

/** A condition may name only segments that exist already, so that no two name each other. */
async function checkNamedSegments(trx: Transaction<Tables>, name: string, condition: SegmentCondition) {
	const named = [...namedSegments(condition)];
	if (named.length === 0) return;
	const found = await sql<{ name: string }>`select lower(name) as name from segments
		where lower(name) = any(${named}::text[])`.execute(trx);
	const missing = named.filter((n) => n === name.toLowerCase() || !found.rows.some((r) => r.name === n));
	if (missing.length > 0)
		throw new AppError(
			"validation_failed",
			"The condition names segments that are not saved.",
			missing.map((n) => ({
				field: "text",
				message: n === name.toLowerCase() ? "a segment cannot name itself" : `no segment named "${n}"`,
			})),
		);
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
	return { ...segmentOfRow(row), changes: (await changesPage(db, id, { limit: 50 })).data };
}

export async function deleteSegment(db: Db, id: string): Promise<void> {
	const result = await db.deleteFrom("segments").where("id", "=", id).executeTakeFirst();
	if (Number(result.numDeletedRows) === 0) throw new AppError("not_found", `No segment ${id}.`);
}

/** Re-reads a dynamic segment's condition now; a static list says so. */
export async function refreshSegment(db: Db, id: string, now: Date): Promise<SegmentRefresh> {
	const row = await db
		.selectFrom("segments")
		.select(["name", "kind", "condition"])
		.where("id", "=", id)
		.executeTakeFirst();
	if (!row) throw new AppError("not_found", `No segment ${id}.`);
	if (row.kind !== "dynamic" || row.condition === null)
		throw new AppError("conflict", "A static list changes only when members are added or removed.");
	const condition = SegmentSchema.parse(row.condition);
	return inTransaction(db, (trx) => refreshSegmentIn(trx, { id, name: row.name, condition }, now));
}

/**
 * The timer: the dynamic segments whose conditions age with time (windows, days since, and
 * those naming them) brought up to date, each in its own transaction, named ones first. The
 * others are kept current by the changes themselves.
 */
export async function refreshAllSegments(db: Db, now: Date): Promise<SegmentRefresh[]> {
	const aging = agingSegments(await inTransaction(db, dynamicSegments));
	const results: SegmentRefresh[] = [];
	for (const segment of aging) results.push(await inTransaction(db, (trx) => refreshSegmentIn(trx, segment, now)));
	return results;
}

/** Adds and removes members of a static list by hand, logging each entry and exit. */
export async function changeListMembers(
	db: Db,
	id: string,
	change: { add: readonly string[]; remove: readonly string[]; addMatching?: LeadFilters | undefined },
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
				select ${id}::uuid, a, ${now}::timestamptz from (
					select unnest(${[...change.add]}::uuid[]) as a
					${change.addMatching ? sql`union select leads.id from (${filteredLeads(trx, change.addMatching).select("leads.id")}) leads` : sql``}
				) adding
				where a <> all(${[...change.remove]}::uuid[])
				on conflict (segment_id, lead_id) do nothing returning lead_id),
			gone as (
				delete from segment_members where segment_id = ${id}::uuid
					and lead_id = any(${[...change.remove]}::uuid[]) returning lead_id),
			logged as (
				insert into segment_changes (segment_id, lead_id, change, at)
				select ${id}::uuid, lead_id, 'entered', ${now}::timestamptz from came
				union all select ${id}::uuid, lead_id, 'exited', ${now}::timestamptz from gone)
			select 'entered' as change, lead_id from came union all select 'exited', lead_id from gone`.execute(trx);
		await announce(
			trx,
			moves.rows.map((m) => ({ ...m, segment_id: id })),
			now,
		);
		// segments that name this list follow it in the same transaction
		await recheckSegments(
			trx,
			moves.rows.map((m) => m.lead_id),
			now,
		);
		return tally(trx, id, moves.rows);
	});
}
