export type DeviceClass = "mobile" | "tablet" | "desktop" | "bot";

const BOT = /bot|crawler|spider|crawling|headlesschrome|lighthouse/i;
const TABLET = /ipad|tablet|kindle|silk|playbook|(android(?!.*mobile))/i;
const MOBILE = /mobi|iphone|ipod|android|blackberry|opera mini|iemobile|windows phone/i;

/** Classifies a user agent string; null when there is none. */
export function deviceClass(userAgent: unknown): DeviceClass | null {
	if (typeof userAgent !== "string" || userAgent.trim() === "") return null;
	if (BOT.test(userAgent)) return "bot";
	if (TABLET.test(userAgent)) return "tablet";
	if (MOBILE.test(userAgent)) return "mobile";
	return "desktop";
}
