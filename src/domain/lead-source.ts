/**
 * Where a lead came from, read from one event's context: the campaign's source (utm_source)
 * if tagged, else the referring site's host when it is another site, else null (direct).
 * The lead keeps the source of its earliest event that has one (first touch).
 */
export function sourceOf(context: Record<string, unknown>): string | null {
	const campaign = context.campaign;
	if (typeof campaign === "object" && campaign !== null) {
		const source = (campaign as Record<string, unknown>).source;
		if (typeof source === "string" && source.trim() !== "") return source.trim().toLowerCase().slice(0, 100);
	}
	const page = context.page;
	if (typeof page !== "object" || page === null) return null;
	const { referrer, url } = page as Record<string, unknown>;
	const referrerHost = hostOf(referrer);
	if (!referrerHost || referrerHost === hostOf(url)) return null;
	return referrerHost.replace(/^www\./, "").slice(0, 100);
}

function hostOf(url: unknown): string | null {
	if (typeof url !== "string" || url === "") return null;
	try {
		const host = new URL(url).hostname.toLowerCase();
		return host === "" ? null : host;
	} catch {
		return null;
	}
}

/** The earlier of two first touches; a later touch never replaces an earlier one. */
export function firstTouch<T extends { source: string | null; sourceAt: Date | null }>(a: T, b: T): T {
	if (!a.source || !a.sourceAt) return b.source ? b : a;
	if (!b.source || !b.sourceAt) return a;
	return b.sourceAt < a.sourceAt ? b : a;
}
