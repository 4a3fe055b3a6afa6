import type { Readable } from "node:stream";
import { parse } from "csv-parse";
import { sql } from "kysely";
import { AppError } from "../../domain/errors.js";
import { isUuid } from "../../domain/ids.js";
import { normalizeEmail } from "../../domain/traits.js";
import type { SegmentRefresh } from "../../schemas/segments.js";
import type { Db } from "../../storage/database.js";
import { changeListMembers } from "./segments.js";

/** The most rows one list upload may name. */
export const MAX_LIST_ROWS = 200_000;
const SHOWN_PROBLEMS = 20;

interface Named {
	line: number;
	key: "email" | "id";
	value: string;
}

const columnKind = (header: string): "email" | "id" | null => {
	const h = header
		.trim()
		.toLowerCase()
		.replace(/[\s-]+/g, "_");
	if (h === "email" || h === "e_mail" || h === "email_address") return "email";
	if (h === "id" || h === "lead_id") return "id";
	return null;
};

/**
 * The leads a CSV names, one a row: by a column headed email (or e-mail) or id (lead_id); a file
 * of one column without a header is read as e-mail addresses. Every row is checked before
 * anything changes: one that names no lead fails the whole file, by line.
 */
async function namedRows(file: Readable): Promise<Named[]> {
	const rows: Named[] = [];
	let key: { kind: "email" | "id"; column: number } | null = null;
	let line = 0;
	for await (const record of file.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true }))) {
		line++;
		const cells = (record as string[]).map((c) => c.trim());
		if (!key) {
			const found = cells.findIndex((c) => columnKind(c) !== null);
			if (found >= 0) {
				key = { kind: columnKind(cells[found] as string) as "email" | "id", column: found };
				continue;
			}
			if (cells.length === 1 && cells[0]?.includes("@")) key = { kind: "email", column: 0 };
			else
				throw new AppError("validation_failed", "The CSV names no leads.", [
					{ field: "header", message: "give a column headed email or id (or one column of e-mail addresses)" },
				]);
		}
		const value = cells[key.column] ?? "";
		if (value === "") continue;
		// an address as ingest stores it ("Jane <JANE@acme.io>" is jane@acme.io); kept as given when it is none
		rows.push({ line, key: key.kind, value: key.kind === "email" ? (normalizeEmail(value) ?? value) : value });
		if (rows.length > MAX_LIST_ROWS)
			throw new AppError("validation_failed", `A list upload may name at most ${MAX_LIST_ROWS} leads.`, [
				{ field: "body", message: `more than ${MAX_LIST_ROWS} rows` },
			]);
	}
	return rows;
}

/** Adds (or removes) the leads a CSV names to a static list, all or none. */
export async function listMembersFromCsv(
	db: Db,
	id: string,
	file: Readable,
	action: "add" | "remove",
	now: Date,
): Promise<SegmentRefresh & { rows: number }> {
	const rows = await namedRows(file);
	const emails = rows.filter((r) => r.key === "email").map((r) => r.value);
	const ids = rows.filter((r) => r.key === "id" && isUuid(r.value)).map((r) => r.value);
	const found = await sql<{ id: string; email: string | null }>`select id, email from leads
		where merged_into is null and (email = any(${emails}::text[]) or id = any(${ids}::uuid[]))`.execute(db);
	const byEmail = new Map(found.rows.map((r) => [r.email, r.id]));
	const byId = new Set(found.rows.map((r) => r.id));
	const leadOf = (r: Named) => (r.key === "email" ? byEmail.get(r.value) : byId.has(r.value) ? r.value : undefined);
	const unknown = rows.filter((r) => leadOf(r) === undefined);
	if (unknown.length > 0)
		throw new AppError(
			"validation_failed",
			`${unknown.length} of ${rows.length} rows name no lead; nothing was changed.`,
			unknown.slice(0, SHOWN_PROBLEMS).map((r) => ({
				field: `line ${r.line}`,
				message: r.key === "email" ? `no lead with e-mail ${r.value}` : `no lead ${r.value}`,
			})),
		);
	const leads = [...new Set(rows.map((r) => leadOf(r) as string))];
	const change = action === "add" ? { add: leads, remove: [] } : { add: [], remove: leads };
	return { ...(await changeListMembers(db, id, change, now)), rows: rows.length };
}
