import { randomUUID } from "node:crypto";
import { sql, type Transaction } from "kysely";
import { AppError, errorCode, type FieldProblem } from "../../domain/errors.js";
import { loopsWithoutWait } from "../../domain/nurture/step-walk.js";
import { parseSegment, SegmentSyntaxError } from "../../domain/segments/segment-text.js";
import { type Sequence, SequenceDefinition, type SequenceInput } from "../../schemas/nurture.js";
import type { Db } from "../../storage/database.js";
import type { Tables } from "../../storage/tables.js";
import { inTransaction } from "../../storage/transaction.js";
import { endEnrolments } from "./enrolment-ends.js";

/** Problems a definition's shape cannot show: what it names must exist, and loops must wait. */
async function definitionProblems(
	db: Db | Transaction<Tables>,
	d: SequenceDefinition,
	selfId: string | null,
): Promise<FieldProblem[]> {
	const problems: FieldProblem[] = [];
	const templates = new Set((await db.selectFrom("email_templates").select("id").execute()).map((r) => r.id as string));
	const sequences = new Set((await db.selectFrom("sequences").select("id").execute()).map((r) => r.id as string));
	if (d.trigger.on === "segment_entered") {
		const found = await db.selectFrom("segments").select("id").where("id", "=", d.trigger.segment).executeTakeFirst();
		if (!found) problems.push({ field: "definition.trigger.segment", message: "no such segment" });
	}
	d.steps.forEach((s, i) => {
		const at = `definition.steps.${i}`;
		if (s.kind === "email" && !templates.has(s.template))
			problems.push({ field: `${at}.template`, message: "no such template" });
		if (s.kind === "move_to" && (s.sequence === selfId || !sequences.has(s.sequence)))
			problems.push({
				field: `${at}.sequence`,
				message: s.sequence === selfId ? "a sequence may not move leads to itself" : "no such sequence",
			});
		if (s.kind === "branch" && s.if.test === "matches") {
			try {
				parseSegment(s.if.text);
			} catch (error) {
				if (!(error instanceof SegmentSyntaxError)) throw error;
				problems.push({ field: `${at}.if.text`, message: error.message });
			}
		}
	});
	for (const id of loopsWithoutWait(d.steps))
		problems.push({
			field: `definition.steps.${d.steps.findIndex((s) => s.id === id)}`,
			message: `step "${id}" is on a loop with no wait: add a wait so it does not run forever`,
		});
	return problems;
}

async function checked(db: Db | Transaction<Tables>, input: SequenceInput, selfId: string | null) {
	const definition = SequenceDefinition.parse(input.definition);
	const problems = await definitionProblems(db, definition, selfId);
	if (problems.length > 0) throw new AppError("validation_failed", "The sequence has problems.", problems);
	return { name: input.name.trim(), definition };
}

const nameTaken = (name: string) =>
	new AppError("conflict", `A sequence named "${name}" exists already.`, [{ field: "name", message: "taken" }]);

export async function createSequence(db: Db, input: SequenceInput): Promise<Sequence> {
	const { name, definition } = await checked(db, input, null);
	const id = randomUUID();
	try {
		await inTransaction(db, async (trx) => {
			await trx.insertInto("sequences").values({ id, name, status: "draft", version: 1 }).execute();
			await trx
				.insertInto("sequence_versions")
				.values({ sequence_id: id, version: 1, definition: JSON.stringify(definition) })
				.execute();
		});
	} catch (error) {
		if (errorCode(error) === "23505") throw nameTaken(name);
		throw error;
	}
	return getSequence(db, id);
}

/**
 * A new version of a sequence: leads who enter from now on follow it, those on their way
 * finish the version they started.
 */
export async function updateSequence(db: Db, id: string, input: SequenceInput): Promise<Sequence> {
	const { name, definition } = await checked(db, input, id);
	try {
		await inTransaction(db, async (trx) => {
			const row = await trx
				.updateTable("sequences")
				.set({ name, version: sql`version + 1`, updated_at: new Date() })
				.where("id", "=", id)
				.returning("version")
				.executeTakeFirst();
			if (!row) throw new AppError("not_found", "No such sequence.");
			await trx
				.insertInto("sequence_versions")
				.values({ sequence_id: id, version: row.version, definition: JSON.stringify(definition) })
				.execute();
		});
	} catch (error) {
		if (errorCode(error) === "23505") throw nameTaken(name);
		throw error;
	}
	return getSequence(db, id);
}

/** Starts, pauses or archives a sequence; archiving ends the enrolments on their way. */
export async function setSequenceStatus(
	db: Db,
	id: string,
	status: "active" | "paused" | "archived",
	now: Date,
): Promise<Sequence> {
	await inTransaction(db, async (trx) => {
		const row = await trx
			.updateTable("sequences")
			.set({ status, paused_reason: status === "paused" ? "paused by hand" : null, updated_at: now })
			.where("id", "=", id)
			.returning("id")
			.executeTakeFirst();
		if (!row) throw new AppError("not_found", "No such sequence.");
		if (status === "archived") await endEnrolments(trx, sql`e.sequence_id = ${id}::uuid`, "sequence archived", now);
	});
	return getSequence(db, id);
}

interface SequenceRow {
	id: string;
	name: string;
	status: Sequence["status"];
	version: number;
	paused_reason: string | null;
	definition: unknown;
	updated_at: Date;
	active: number;
	enrolled: number;
}

const sequenceRows = (where: ReturnType<typeof sql>) => sql<SequenceRow>`
	select s.id, s.name, s.status, s.version, s.paused_reason, v.definition, s.updated_at,
		(select count(*)::int from enrolments e where e.sequence_id = s.id and e.status = 'active') as active,
		(select count(*)::int from enrolments e where e.sequence_id = s.id) as enrolled
	from sequences s join sequence_versions v on v.sequence_id = s.id and v.version = s.version
	where ${where} order by s.name`;

function sequenceOf(r: SequenceRow): Sequence {
	return {
		id: r.id,
		name: r.name,
		status: r.status,
		version: r.version,
		pausedReason: r.paused_reason,
		definition: SequenceDefinition.parse(r.definition),
		active: r.active,
		enrolled: r.enrolled,
		updatedAt: new Date(r.updated_at).toISOString(),
	};
}

export async function listSequences(db: Db): Promise<Sequence[]> {
	return (await sequenceRows(sql`true`).execute(db)).rows.map(sequenceOf);
}

export async function getSequence(db: Db, id: string): Promise<Sequence> {
	const row = (await sequenceRows(sql`s.id = ${id}::uuid`).execute(db)).rows[0];
	if (!row) throw new AppError("not_found", "No such sequence.");
	return sequenceOf(row);
}
