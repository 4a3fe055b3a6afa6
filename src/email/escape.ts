const HTML: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text for HTML element content and quoted attributes: lead-supplied values stay inert. */
export function escapeHtml(value: unknown): string {
	return String(value ?? "").replace(/[&<>"']/g, (c) => HTML[c] ?? c);
}

/** A header-safe single line (no CR/LF, so a lead's name cannot add headers), at most 200 characters. */
export function headerLine(value: unknown): string {
	return String(value ?? "")
		.replace(/[\r\n]+/g, " ")
		.slice(0, 200);
}
