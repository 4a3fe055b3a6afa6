import { createHmac, timingSafeEqual } from "node:crypto";

/** What a signed link does; part of what is signed, so one kind's token never opens another. */
export type LinkKind = "unsubscribe" | "open" | "click" | "download" | "confirm" | "form-shown";

/** Whether a given signature or secret is the expected one, compared in constant time (any lengths). */
export function sameSecret(given: string, expected: string): boolean {
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

function signature(secret: string, kind: LinkKind, id: string, extra: string): string {
	return createHmac("sha256", secret).update(`${kind}\n${id}\n${extra}`).digest("base64url").slice(0, 32);
}

/** A token naming a send: its id and a signature over the kind (and the target, for a click). */
export function signLink(secret: string, kind: LinkKind, sendId: string, extra = ""): string {
	return `${sendId}.${signature(secret, kind, sendId, extra)}`;
}

/** The send a token names when its signature holds, else null (altered, or made for another use). */
export function verifyLink(secret: string, kind: LinkKind, token: string, extra = ""): string | null {
	const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{32})$/.exec(token);
	if (!match) return null;
	const [, id, given] = match as unknown as [string, string, string];
	return sameSecret(given, signature(secret, kind, id, extra)) ? id : null;
}

/** A token that names a record and stops working at a time: `id.expiresMs.signature`. */
export function signExpiring(secret: string, kind: LinkKind, id: string, expiresAt: Date): string {
	const at = String(expiresAt.getTime());
	return `${id}.${at}.${signature(secret, kind, id, at)}`;
}

/** The id an expiring token names, "expired" once its time has passed, or null when it was altered. */
export function verifyExpiring(secret: string, kind: LinkKind, token: string, now: Date): string | "expired" | null {
	const match = /^([0-9a-f-]{36})\.(\d{10,16})\.([A-Za-z0-9_-]{32})$/.exec(token);
	if (!match) return null;
	const [, id, at, given] = match as unknown as [string, string, string, string];
	if (!sameSecret(given, signature(secret, kind, id, at))) return null;
	return Number(at) <= now.getTime() ? "expired" : id;
}

/** A signed note of a moment about a record (a form shown at a time): `ms.signature`. */
export function signMoment(secret: string, kind: LinkKind, id: string, at: Date): string {
	const ms = String(at.getTime());
	return `${ms}.${signature(secret, kind, id, ms)}`;
}

/** The moment (epoch ms) a signed note names about a record, or null when it was altered or made for another. */
export function verifyMoment(secret: string, kind: LinkKind, id: string, token: string): number | null {
	const match = /^(\d{10,16})\.([A-Za-z0-9_-]{32})$/.exec(token);
	if (!match) return null;
	const [, ms, given] = match as unknown as [string, string, string];
	return sameSecret(given, signature(secret, kind, id, ms)) ? Number(ms) : null;
}

export interface SendLinks {
	unsubscribe: string;
	open: string;
	click: (url: string) => string;
}

/** The links one send's e-mail carries, under the public address people reach Qualify at. */
export function sendLinks(publicUrl: string, secret: string, sendId: string): SendLinks {
	const base = publicUrl.replace(/\/+$/, "");
	return {
		unsubscribe: `${base}/email/unsubscribe/${signLink(secret, "unsubscribe", sendId)}`,
		open: `${base}/email/open/${signLink(secret, "open", sendId)}.gif`,
		click: (url) => `${base}/email/click/${signLink(secret, "click", sendId, url)}?url=${encodeURIComponent(url)}`,
	};
}

const HREF = /(<a\b[^>]*?\bhref\s*=\s*)(["'])(https?:\/\/[^"']+)\2/gi;

/**
 * The HTML with every web link sent through a signed click redirect (not the unsubscribe link,
 * which must work without tracking) and an open pixel at the end of the body.
 */
export function withTracking(html: string, links: SendLinks): { html: string; links: number } {
	let count = 0;
	const tracked = html.replace(HREF, (whole, start: string, quote: string, url: string) => {
		const target = url.replace(/&amp;/g, "&");
		if (target === links.unsubscribe) return whole;
		count += 1;
		return `${start}${quote}${links.click(target).replace(/&/g, "&amp;")}${quote}`;
	});
	const pixel = `<img src="${links.open}" width="1" height="1" alt="" style="display:none">`;
	const withPixel = /<\/body>/i.test(tracked) ? tracked.replace(/<\/body>/i, `${pixel}</body>`) : `${tracked}${pixel}`;
	return { html: withPixel, links: count };
}
