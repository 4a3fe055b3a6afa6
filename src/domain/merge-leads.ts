import { type ConsentStatus, stricterConsent } from "./consent.js";
import { firstTouch } from "./lead-source.js";
import { furtherStage } from "./stages.js";

export interface LeadProfile {
	email: string | null;
	userId: string | null;
	traits: Record<string, unknown>;
	timezone: string | null;
	consentStatus: ConsentStatus;
	consentAt: Date | null;
	consentSource: string | null;
	stage: string;
	source: string | null;
	sourceAt: Date | null;
	firstSeenAt: Date;
	lastSeenAt: Date;
}

/**
 * One person from two records: the survivor's values win where both have one, the
 * stricter consent wins, the earlier first sighting and the later last sighting stay.
 */
export function mergeLeadProfiles(survivor: LeadProfile, merged: LeadProfile): LeadProfile {
	const consentStatus = stricterConsent(survivor.consentStatus, merged.consentStatus);
	const consentFrom = consentStatus === survivor.consentStatus ? survivor : merged;
	return {
		email: survivor.email ?? merged.email,
		userId: survivor.userId ?? merged.userId,
		traits: { ...merged.traits, ...survivor.traits },
		timezone: survivor.timezone ?? merged.timezone,
		consentStatus,
		consentAt: consentFrom.consentAt,
		consentSource: consentFrom.consentSource,
		stage: furtherStage(survivor.stage, merged.stage),
		...pickSource(firstTouch(survivor, merged)),
		firstSeenAt: survivor.firstSeenAt < merged.firstSeenAt ? survivor.firstSeenAt : merged.firstSeenAt,
		lastSeenAt: survivor.lastSeenAt > merged.lastSeenAt ? survivor.lastSeenAt : merged.lastSeenAt,
	};
}

function pickSource({ source, sourceAt }: LeadProfile): Pick<LeadProfile, "source" | "sourceAt"> {
	return { source, sourceAt };
}
