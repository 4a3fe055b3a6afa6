import { escapeHtml, headerLine } from "./escape.js";

export interface HandoffEmailFacts {
	kind: "assigned" | "breached";
	ownerName: string | null;
	leadEmail: string | null;
	leadName: string | null;
	company: string | null;
	title: string | null;
	grade: string | null;
	temperature: string | null;
	why: string | null;
	slaDueAt: string | null;
	leadUrl: string;
	teamName: string;
}

export interface RenderedEmail {
	subject: string;
	text: string;
	html: string;
}

/** The e-mail to an owner about a new MQL, or to a manager about a missed first touch. */
export function handoffEmail(f: HandoffEmailFacts): RenderedEmail {
	const who = f.leadName ? `${f.leadName}${f.company ? ` (${f.company})` : ""}` : (f.leadEmail ?? "a lead");
	const subject = headerLine(
		f.kind === "assigned" ? `New MQL for you: ${who}` : `First touch missed: ${who} (${f.teamName})`,
	);
	const facts: Array<[string, string | null]> = [
		["Name", f.leadName],
		["Lead", f.leadEmail],
		["Title", f.title],
		["Company", f.company],
		["Grade / temperature", f.grade && f.temperature ? `${f.grade} / ${f.temperature}` : null],
		["Why it qualified", f.why],
		["First touch due", f.slaDueAt],
	];
	const shown = facts.filter((x): x is [string, string] => x[1] !== null && x[1] !== "");
	const opening =
		f.kind === "assigned"
			? `Hello ${f.ownerName ?? ""}, a lead has qualified and is yours to follow up.`
			: `No first touch was logged in time for this lead in ${f.teamName}.`;
	const text = [
		opening.replace(/\s+,/, ","),
		"",
		...shown.map(([k, v]) => `${k}: ${v}`),
		"",
		`Open it: ${f.leadUrl}`,
	].join("\n");
	const rows = shown
		.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
		.join("");
	const html = `<!doctype html><html><body><p>${escapeHtml(opening)}</p><table>${rows}</table><p><a href="${escapeHtml(f.leadUrl)}">Open the lead in Qualify</a></p></body></html>`;
	return { subject, text, html };
}
