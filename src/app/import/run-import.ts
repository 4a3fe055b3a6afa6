import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { sql } from "kysely";
import type { ImportKind } from "../../domain/import/column-mapping.js";
import type { Db } from "../../storage/database.js";
import { inTransaction } from "../../storage/transaction.js";
import { ingestBatch } from "../ingest-batch.js";
import { leadIdOf, recordOutcome } from "../outcomes.js";
import { applyMove } from "../stage-moves.js";
import {
	type ColumnReport,
	type ImportOptions,
	type ImportRow,
	importRows,
	type RowProblem,
	tallyProblems,
} from "./check-import.js";

const BATCH = 500;
/** Imported history may reach further back than live events (QUALIFY_OLDEST_EVENT guards those). */
const OLDEST_HISTORY = new Date("1990-01-01T00:00:00Z");

export interface ImportSummary {
	kind: ImportKind;
	columns: ColumnReport[];
	mappingProblems: string[];
	rows: number;
	/** events (leads, events) or outcomes stored for the first time */
	imported: number;
	/** rows already imported before, left as they were */
	unchanged: number;
	rejected: number;
	problemCount: number;
	problems: RowProblem[];
	/** rows imported with something worth knowing (an outcome dated before the lead was first seen) */
	warnings: string[];
	/** leads moved to the stage the import was told they are at (`stage: "mql"`) */
	staged: number;
}

type Value = ImportRow["fields"][string] | undefined;
const plain = (value: Value) => (value instanceof Date ? value.toISOString() : value);
const text = (value: Value) => (value === null || value === undefined ? undefined : String(plain(value)));

/** A row's own id: the same row imported again is the same message, so it is stored once. */
const messageIdOf = (kind: ImportKind, row: ImportRow) =>
	`import-${kind}-${createHash("sha256")
		.update(JSON.stringify([row.fields, row.traits]))
		.digest("base64url")
		.slice(0, 32)}`;

/** A lead row as the identify message Segment's libraries would send for it. */
function leadMessage(row: ImportRow, now: Date): Record<string, unknown> {
	const f = row.fields;
	const traits: Record<string, unknown> = Object.fromEntries(Object.entries(row.traits).map(([k, v]) => [k, plain(v)]));
	for (const key of [
		"email",
		"firstName",
		"lastName",
		"name",
		"company",
		"title",
		"phone",
		"country",
		"city",
		"industry",
	])
		if (f[key] !== undefined && f[key] !== null) traits[key] = plain(f[key]);
	if (f.landingPage != null) traits.landingPage = plain(f.landingPage);
	if (f.converted != null) traits.converted = plain(f.converted);
	const source = text(f.source);
	return {
		type: "identify",
		messageId: messageIdOf("leads", row),
		...(f.externalId != null ? { userId: text(f.externalId) } : {}),
		traits,
		timestamp: (f.firstSeenAt instanceof Date ? f.firstSeenAt : now).toISOString(),
		context: source ? { campaign: { source } } : {},
	};
}

/** An event row as a track (or page) message. */
function eventMessage(row: ImportRow, now: Date): Record<string, unknown> {
	const f = row.fields;
	const path = text(f.path);
	const isPage = !f.event || String(f.event).toLowerCase() === "page";
	return {
		type: isPage ? "page" : "track",
		messageId: text(f.messageId) ?? messageIdOf("events", row),
		...(f.externalId != null ? { userId: text(f.externalId) } : {}),
		...(isPage ? {} : { event: text(f.event) }),
		properties: Object.fromEntries(Object.entries(row.traits).map(([k, v]) => [k, plain(v)])),
		timestamp: (f.timestamp instanceof Date ? f.timestamp : now).toISOString(),
		context: {
			...(path ? { page: { path } } : {}),
			...(f.email != null ? { traits: { email: text(f.email) } } : {}),
		},
	};
}

/** Leads the import says are already at MQL become MQLs on the day they were first seen, telling nobody. */
async function stageLeads(db: Db, rows: readonly ImportRow[], now: Date): Promise<number> {
	let staged = 0;
	for (const row of rows) {
		const id = await leadIdOf(db, {
			...(row.fields.externalId != null ? { externalId: text(row.fields.externalId) } : {}),
			...(row.fields.email != null ? { email: text(row.fields.email) } : {}),
		});
		if (!id) continue;
		staged += await inTransaction(db, async (trx) => {
			const lead = await sql<{ stage: string; first_seen_at: Date }>`select stage, first_seen_at from leads
				where id = ${id}::uuid for update`.execute(trx);
			const current = lead.rows[0];
			if (!current || (current.stage !== "lead" && current.stage !== "subscriber")) return 0;
			await applyMove(trx, {
				leadId: id,
				from: current.stage,
				to: "mql",
				actor: "marketing",
				reason: "imported as an MQL",
				at: row.fields.firstSeenAt instanceof Date ? row.fields.firstSeenAt : new Date(current.first_seen_at),
				now,
				history: true,
			});
			return 1;
		});
	}
	return staged;
}

/**
 * Imports a CSV, streamed: leads and events through the ingest path (identities, merges,
 * scoring; the same row again is stored once), outcomes through the lifecycle. It is history:
 * leads that qualify become MQLs on the day they did, and nobody is told now (no handoff, no
 * webhook). Rows with problems are turned away and named; the rest go in batches.
 */
export async function runImport(
	db: Db,
	input: Readable,
	kind: ImportKind,
	options: ImportOptions & {
		now: Date;
		actorId: string | null;
		/** what an imported lead already is (Olist's file is of MQLs) */
		stage?: "mql";
		/** the outcome of every row, when no column says it (a file of won deals) */
		outcome?: "opportunity" | "won" | "lost";
	},
): Promise<ImportSummary> {
	const summary: ImportSummary = {
		kind,
		columns: [],
		mappingProblems: [],
		rows: 0,
		imported: 0,
		unchanged: 0,
		rejected: 0,
		problemCount: 0,
		problems: [],
		warnings: [],
		staged: 0,
	};
	let batch: ImportRow[] = [];
	const flush = async () => {
		if (batch.length === 0) return;
		const rows = batch;
		batch = [];
		if (kind === "outcomes") return;
		const messages = rows.map((row) =>
			kind === "leads" ? leadMessage(row, options.now) : eventMessage(row, options.now),
		);
		const result = await ingestBatch(db, messages, {
			receivedAt: options.now,
			history: true,
			oldestEvent: OLDEST_HISTORY,
		});
		summary.imported += result.accepted;
		summary.unchanged += result.duplicates;
		for (const error of result.errors) {
			const row = rows[error.index ?? -1];
			if (row)
				tallyProblems(summary, { ...row, problems: [{ line: row.line, column: error.field, reason: error.message }] });
		}
		if (kind === "leads" && options.stage === "mql") summary.staged += await stageLeads(db, rows, options.now);
	};
	const rows = importRows(input, kind, {
		...options,
		onColumns: (columns, problems) => {
			summary.columns = columns;
			summary.mappingProblems = problems;
		},
	});
	for await (const row of rows) {
		if (summary.mappingProblems.length > 0) break;
		summary.rows++;
		if (row.problems.length > 0) {
			tallyProblems(summary, row);
			continue;
		}
		if (kind === "outcomes") {
			await importOutcome(db, row, summary, options);
			continue;
		}
		batch.push(row);
		if (batch.length >= BATCH) await flush();
	}
	await flush();
	return summary;
}

async function importOutcome(
	db: Db,
	row: ImportRow,
	summary: ImportSummary,
	options: { now: Date; actorId: string | null; outcome?: "opportunity" | "won" | "lost" },
) {
	const f = row.fields;
	const leadId = await leadIdOf(db, {
		...(f.externalId != null ? { externalId: text(f.externalId) } : {}),
		...(f.email != null ? { email: text(f.email) } : {}),
	});
	const said = text(f.outcome)?.toLowerCase();
	const outcome = said === "won" || said === "lost" || said === "opportunity" ? said : options.outcome;
	const problem = (column: string, reason: string) =>
		tallyProblems(summary, { ...row, problems: [{ line: row.line, column, reason }] });
	if (!leadId) return problem("externalId", `no lead ${text(f.externalId) ?? text(f.email)}: import the leads first`);
	if (!outcome) return problem("outcome", `"${said ?? ""}" is not opportunity, won or lost (or say --outcome)`);
	if (!(f.at instanceof Date)) return problem("at", "no date");
	const recorded = await recordOutcome(
		db,
		leadId,
		{
			outcome,
			at: f.at.toISOString(),
			...(typeof f.amount === "number" ? { amount: f.amount } : {}),
			...(f.owner != null ? { owner: text(f.owner) } : {}),
		},
		{ source: "import", actorId: options.actorId, now: options.now },
	);
	if (recorded.created) summary.imported++;
	else summary.unchanged++;
	if (recorded.warning && summary.warnings.length < 100) summary.warnings.push(`line ${row.line}: ${recorded.warning}`);
}
