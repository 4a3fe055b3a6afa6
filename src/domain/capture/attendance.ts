import type { FieldProblem } from "../errors.js";
import { normalizeEmail } from "../traits.js";

export interface Attendee {
	email: string;
	name: string | null;
	minutes: number;
	joinedAt: Date | null;
}

const headerOf = (cell: string) =>
	cell
		.trim()
		.toLowerCase()
		.replace(/\(.*?\)/g, "")
		.replace(/[\s_-]+/g, " ")
		.trim();

const EMAIL = /^(e ?mail|email address|attendee email)$/;
const MINUTES = /^(time in session|duration|minutes|attendance duration|time in session minutes|minutes attended)$/;
const JOIN = /^(join time|joined|join date|first join time)$/;
const NAME = /^(user name|name|attendee name|full name)$/;

/**
 * Who attended, from a webinar platform's attendee export (Zoom, GoToWebinar, Webex and the like):
 * preamble lines before the header are skipped, the columns are found by their usual headers,
 * rejoins of one person add up. Rows that cannot be read are named by line.
 */
export function attendeesOf(rows: readonly string[][]): {
	attendees: Attendee[];
	rows: number;
	problems: FieldProblem[];
} {
	let header: { email: number; minutes: number; join: number; name: number; line: number } | null = null;
	const byEmail = new Map<string, Attendee>();
	const problems: FieldProblem[] = [];
	let counted = 0;
	rows.forEach((cells, i) => {
		const line = i + 1;
		if (!header) {
			const names = cells.map(headerOf);
			const email = names.findIndex((n) => EMAIL.test(n));
			if (email >= 0)
				header = {
					email,
					minutes: names.findIndex((n) => MINUTES.test(n)),
					join: names.findIndex((n) => JOIN.test(n)),
					name: names.findIndex((n) => NAME.test(n)),
					line,
				};
			return;
		}
		if (cells.every((c) => c.trim() === "")) return;
		counted++;
		const email = normalizeEmail(cells[header.email] ?? "");
		if (!email) {
			problems.push({ field: `line ${line}`, message: `"${cells[header.email] ?? ""}" is not an e-mail address` });
			return;
		}
		const minutesText = header.minutes >= 0 ? (cells[header.minutes] ?? "").trim() : "";
		const minutes = minutesText === "" ? 0 : Number(minutesText.replace(",", "."));
		if (!Number.isFinite(minutes) || minutes < 0) {
			problems.push({ field: `line ${line}`, message: `"${minutesText}" is not a number of minutes` });
			return;
		}
		const joined = header.join >= 0 ? new Date(cells[header.join] ?? "") : null;
		const seen = byEmail.get(email);
		const joinedAt = joined && !Number.isNaN(joined.getTime()) ? joined : null;
		if (seen) {
			seen.minutes += minutes;
			if (joinedAt && (!seen.joinedAt || joinedAt < seen.joinedAt)) seen.joinedAt = joinedAt;
		} else
			byEmail.set(email, {
				email,
				name: header.name >= 0 ? (cells[header.name] ?? "").trim() || null : null,
				minutes,
				joinedAt,
			});
	});
	if (!header)
		problems.push({ field: "header", message: "no column headed Email (or E-mail, Email Address) was found" });
	return { attendees: [...byEmail.values()], rows: counted, problems };
}
