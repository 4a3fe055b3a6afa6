import type { LeadListQuery } from "../schemas/leads.js";
import type { Db } from "../storage/database.js";
import { listLeads } from "./leads.js";

const COLUMNS = [
	"id",
	"email",
	"first_name",
	"last_name",
	"title",
	"company",
	"country",
	"stage",
	"grade",
	"temperature",
	"fit",
	"engagement",
	"qualified",
	"consent",
	"source",
	"owner_id",
	"created_at",
	"last_seen_at",
] as const;

/**
 * One CSV cell: quoted when needed, and a value a spreadsheet would run as a formula
 * (=, +, -, @, tab, carriage return first) prefixed with a quote mark, so a lead's name
 * cannot become a formula in the reader's spreadsheet.
 */
export function csvCell(value: unknown): string {
	let text = value === null || value === undefined ? "" : String(value);
	if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const text = (v: unknown) => (typeof v === "string" || typeof v === "number" ? v : null);

/** Every lead the filters match, as CSV lines, a page at a time (memory stays flat however many). */
export async function* leadsCsv(db: Db, query: Omit<LeadListQuery, "cursor" | "limit">): AsyncGenerator<string> {
	yield `${COLUMNS.join(",")}\n`;
	let cursor: string | null = null;
	do {
		const page: Awaited<ReturnType<typeof listLeads>> = await listLeads(db, {
			...query,
			limit: 500,
			...(cursor ? { cursor } : {}),
		});
		let chunk = "";
		for (const lead of page.data) {
			const t = lead.traits;
			const row = [
				lead.id,
				lead.email,
				text(t.firstName),
				text(t.lastName),
				text(t.title),
				text(t.company),
				text(t.country),
				lead.stage,
				lead.score?.grade,
				lead.score?.temperature,
				lead.score ? Math.round(lead.score.fit * 100) / 100 : null,
				lead.score ? Math.round(lead.score.engagement * 100) / 100 : null,
				lead.score?.qualified,
				lead.consent.status,
				lead.source,
				lead.ownerId,
				lead.createdAt,
				lead.lastSeenAt,
			];
			chunk += `${row.map(csvCell).join(",")}\n`;
		}
		yield chunk;
		cursor = page.nextCursor;
	} while (cursor);
}
