/** User agents of security scanners and link checkers that open and click mail on arrival. */
const SCANNERS =
	/barracuda|mimecast|proofpoint|symantec|messagelabs|safelinks|microsoft office protection|trend ?micro|sophos|forcepoint|bitdefender|fortiguard|cisco|ironport|zscaler|python-requests|python-urllib|go-http-client|curl\/|wget\/|headlesschrome|phantomjs|java\/|okhttp|libwww-perl|bot\b|spider|crawler|preview/i;

/** Image proxies that fetch every pixel for the reader's privacy, whether or not anyone reads. */
const PRIVACY_PROXIES = /googleimageproxy|ggpht\.com|yahoomailproxy|outlook-ios|apple-mail-privacy/i;

/** A click this soon after the message left is a machine's: no one reads and clicks that fast. */
export const TOO_SOON_MS = 10_000;
/** Clicks on this many different links within BURST_MS are a scanner following every link. */
export const BURST_LINKS = 3;
export const BURST_MS = 5_000;

export interface EmailActivity {
	kind: "open" | "click";
	at: Date;
	userAgent: string | null;
	url?: string | null;
}

/**
 * Why an open or a click is a machine's rather than a person's interest, or null when it looks
 * human: a known scanner, a privacy proxy's open (Apple Mail fetches as a bare "Mozilla/5.0"), a
 * click within seconds of sending, or clicks on every link at once.
 */
export function machineReason(
	activity: EmailActivity,
	context: { sentAt: Date | null; earlierClicks: ReadonlyArray<{ at: Date; url: string | null }>; links: number },
): string | null {
	const agent = (activity.userAgent ?? "").trim();
	if (SCANNERS.test(agent)) return "link scanner";
	if (activity.kind === "open") {
		if (PRIVACY_PROXIES.test(agent) || agent === "Mozilla/5.0") return "privacy proxy";
		return null;
	}
	if (agent === "") return "no browser";
	if (context.sentAt && activity.at.getTime() - context.sentAt.getTime() < TOO_SOON_MS)
		return "clicked within seconds of delivery";
	const burst = new Set(
		context.earlierClicks
			.filter((c) => activity.at.getTime() - c.at.getTime() <= BURST_MS && c.at <= activity.at)
			.map((c) => c.url),
	);
	burst.add(activity.url ?? null);
	if (burst.size >= BURST_LINKS || (context.links >= 2 && burst.size >= context.links)) return "every link at once";
	return null;
}
