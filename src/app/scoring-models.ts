import { randomUUID } from "node:crypto";
import { type Selectable, sql } from "kysely";
import { AppError, type FieldProblem } from "../domain/errors.js";
import { fieldProblems, type Issue } from "../domain/field-problems.js";
import { isUuid } from "../domain/ids.js";
import { compileModel } from "../domain/scoring/compile-model.js";
import { DEFAULT_MODEL } from "../domain/scoring/default-model.js";
import { enqueueJob } from "../jobs/queue.js";
import { type ScoringModel, ScoringModelDocument, type ScoringModelWithDocument } from "../schemas/scoring-model.js";
import type { Db } from "../storage/database.js";
import type { ScoringModelsTable } from "../storage/tables.js";
import { inTransaction } from "../storage/transaction.js";
import { activeModelRow } from "./active-model.js";
import { regexTimeProblems } from "./regex-time-limit.js";

type Row = Selectable<ScoringModelsTable>;

/** A model file may name its JSON Schema for editors; that is not part of the model. */
export function withoutSchemaKey(input: unknown): unknown {
	if (typeof input !== "object" || input === null || Array.isArray(input)) return input;
	const { $schema: _, ...rest } = input as Record<string, unknown>;
	return rest;
}

/** Every problem with a document, each naming its field: shape, then meaning, then regex speed. */
export function validateDocument(input: unknown): { document: ScoringModelDocument | null; problems: FieldProblem[] } {
	const parsed = ScoringModelDocument.safeParse(withoutSchemaKey(input));
	if (!parsed.success)
		return {
			document: null,
			problems: fieldProblems(parsed.error.issues as readonly Issue[]),
		};
	const compiled = compileModel(parsed.data);
	const problems = [...(compiled.ok ? [] : compiled.problems), ...regexTimeProblems(parsed.data)];
	return { document: problems.length === 0 ? parsed.data : null, problems };
}

function requireValid(input: unknown): ScoringModelDocument {
	const { document, problems } = validateDocument(input);
	if (!document) throw new AppError("validation_failed", "the scoring model has problems", problems);
	return document;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function toModel(row: Row, activeId: string | null): ScoringModel {
	return {
		id: row.id,
		name: row.name,
		status: row.status,
		version: row.version,
		active: row.id === activeId,
		basedOn: row.based_on,
		createdAt: iso(row.created_at) as string,
		updatedAt: iso(row.updated_at) as string,
		publishedAt: iso(row.published_at),
		publishedBy: row.published_by,
		archivedAt: iso(row.archived_at),
	};
}

async function activeId(db: Db): Promise<string | null> {
	return (await activeModelRow(db))?.id ?? null;
}

async function rowOf(db: Db, id: string): Promise<Row> {
	if (!isUuid(id)) throw new AppError("not_found", `no scoring model ${id}`);
	const row = await db.selectFrom("scoring_models").selectAll().where("id", "=", id).executeTakeFirst();
	if (!row) throw new AppError("not_found", `no scoring model ${id}`);
	return row;
}

export async function listModels(db: Db): Promise<ScoringModel[]> {
	const rows = await db
		.selectFrom("scoring_models")
		.selectAll()
		.orderBy(sql`version desc nulls first`)
		.orderBy("created_at", "desc")
		.execute();
	const active = await activeId(db);
	return rows.map((r) => toModel(r, active));
}

export async function getModel(db: Db, id: string): Promise<ScoringModelWithDocument> {
	const row = await rowOf(db, id);
	return {
		...toModel(row, await activeId(db)),
		document: ScoringModelDocument.parse(row.document),
	};
}

/** A new draft from a document, or a copy of another model's document. */
export async function createDraft(
	db: Db,
	input: { document?: unknown; basedOn?: string },
): Promise<ScoringModelWithDocument> {
	const base = input.basedOn ? await rowOf(db, input.basedOn) : null;
	if (input.document === undefined && !base)
		throw new AppError("validation_failed", "give a document or a model to base the draft on", [
			{ field: "document", message: "required unless basedOn names a model" },
		]);
	const document = requireValid(input.document ?? base?.document);
	const id = randomUUID();
	await db
		.insertInto("scoring_models")
		.values({
			id,
			name: document.name,
			status: "draft",
			document: JSON.stringify(document),
			based_on: base?.id ?? null,
		})
		.execute();
	return getModel(db, id);
}

export async function updateDraft(db: Db, id: string, input: unknown): Promise<ScoringModelWithDocument> {
	await rowOf(db, id);
	const document = requireValid(input);
	const updated = await db
		.updateTable("scoring_models")
		.set({ name: document.name, document: JSON.stringify(document), updated_at: sql`now()` })
		.where("id", "=", id)
		.where("status", "=", "draft")
		.executeTakeFirst();
	if (updated.numUpdatedRows === 0n) {
		const row = await rowOf(db, id);
		throw new AppError("conflict", `model ${id} is ${row.status} and cannot change; create a draft based on it`);
	}
	return getModel(db, id);
}

/**
 * Publishes a draft: it gets the next version and becomes the active model, and a rescore
 * of every lead is queued in the same transaction. Ingest scores under the new version
 * from this commit on, building any lead it meets from that lead's history.
 */
/** Deletes a draft; a published or archived model is history and stays. */
export async function deleteDraft(db: Db, id: string): Promise<void> {
	const row = await rowOf(db, id);
	if (row.status !== "draft")
		throw new AppError(
			"conflict",
			`Model ${row.name} is ${row.status}: only drafts can be deleted; archive it instead.`,
		);
	await db.deleteFrom("scoring_models").where("id", "=", id).where("status", "=", "draft").execute();
}

/** Publishes a draft as the next version, recording who and when; the rescore is queued with it. */
export async function publishModel(
	db: Db,
	id: string,
	by: { name: string; now: Date },
): Promise<ScoringModelWithDocument & { rescoreJobId: number }> {
	await rowOf(db, id);
	const jobId = await inTransaction(db, async (trx) => {
		const row = await trx.selectFrom("scoring_models").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
		if (!row) throw new AppError("not_found", `no scoring model ${id}`);
		if (row.status !== "draft") throw new AppError("conflict", `model ${id} is already ${row.status}`);
		requireValid(row.document);
		// Versions count 1, 2, 3…: publishes queue here so that two never take the same number.
		await sql`select pg_advisory_xact_lock(hashtextextended('qualify:publish', 0))`.execute(trx);
		await sql`update scoring_models set status = 'published',
			version = (select coalesce(max(version), 0) + 1 from scoring_models),
			published_at = ${by.now}, published_by = ${by.name}, updated_at = now() where id = ${id}`.execute(trx);
		return enqueueJob(trx, "rescore", { modelId: id });
	});
	return { ...(await getModel(db, id)), rescoreJobId: jobId };
}

export async function archiveModel(db: Db, id: string): Promise<ScoringModelWithDocument> {
	const row = await rowOf(db, id);
	if (row.status === "archived") return getModel(db, id);
	if (row.id === (await activeId(db)))
		throw new AppError("conflict", "this is the active model; publish another before archiving it");
	await db
		.updateTable("scoring_models")
		.set({ status: "archived", archived_at: sql`now()`, updated_at: sql`now()` })
		.where("id", "=", id)
		.execute();
	return getModel(db, id);
}

/** On a store with no model at all, the default model is published as version 1. */
export async function installDefaultModel(db: Db): Promise<void> {
	const document = requireValid(DEFAULT_MODEL);
	await inTransaction(db, async (trx) => {
		await sql`select pg_advisory_xact_lock(hashtextextended('qualify:publish', 0))`.execute(trx);
		const any = await trx.selectFrom("scoring_models").select("id").limit(1).executeTakeFirst();
		if (any) return;
		await sql`insert into scoring_models (id, name, status, version, document, published_at)
			values (${randomUUID()}, ${document.name}, 'published', 1,
				${JSON.stringify(document)}::jsonb, now())`.execute(trx);
	});
}
