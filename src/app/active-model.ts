import type { Transaction } from "kysely";
import { AppError } from "../domain/errors.js";
import { type CompiledModel, compileModel } from "../domain/scoring/compile-model.js";
import { ScoringModelDocument } from "../schemas/scoring-model.js";
import { activeVersion } from "../storage/active-version.js";
import type { Db } from "../storage/database.js";
import type { Tables } from "../storage/tables.js";

export interface ActiveModel {
	id: string;
	version: number;
	model: CompiledModel;
}

// Published models never change, so a compiled one is kept by id for the life of the process.
const compiled = new Map<string, CompiledModel>();

export function compiledOf(id: string, document: unknown): CompiledModel {
	const cached = compiled.get(id);
	if (cached) return cached;
	const result = compileModel(ScoringModelDocument.parse(document));
	if (!result.ok)
		throw new AppError("validation_failed", `stored scoring model ${id} does not compile`, result.problems);
	compiled.set(id, result.model);
	return result.model;
}

/**
 * The model scores are kept for now: the published one with the highest version. Read in
 * the caller's transaction, so that a batch and a publish never disagree about which it is.
 */
export async function activeModel(db: Transaction<Tables> | Db): Promise<ActiveModel | null> {
	const row = await activeModelRow(db);
	if (!row || row.version === null) return null;
	return { id: row.id, version: row.version, model: await compiledById(db, row.id) };
}

/** The active model's id and version (`activeVersion` says which one is active). */
export function activeModelRow(db: Transaction<Tables> | Db) {
	return db
		.selectFrom("scoring_models")
		.select(["id", "version"])
		.where("version", "=", activeVersion)
		.executeTakeFirst();
}

/** A model compiled, its document read only the first time this process meets it. */
export async function compiledById(db: Transaction<Tables> | Db, id: string): Promise<CompiledModel> {
	const cached = compiled.get(id);
	if (cached) return cached;
	const { document } = await db
		.selectFrom("scoring_models")
		.select("document")
		.where("id", "=", id)
		.executeTakeFirstOrThrow();
	return compiledOf(id, document);
}

/** A specific published (or archived) version, for explanations under an older model. */
export async function modelOfVersion(db: Db, version: number): Promise<ActiveModel | null> {
	const row = await db
		.selectFrom("scoring_models")
		.select(["id", "version", "document"])
		.where("version", "=", version)
		.executeTakeFirst();
	if (!row || row.version === null) return null;
	return { id: row.id, version: row.version, model: compiledOf(row.id, row.document) };
}
