import { waitBeforeNextTry } from "../domain/sign-in-throttle.js";

/**
 * A sliding minute per key (a client address): whether one more call fits under `limit`, counted
 * when it does (the rule sign-in throttling uses, over a minute). Kept in the process, so a
 * cluster of servers allows its size times as many.
 */
export function perMinute(limit: number): (key: string, now: number) => boolean {
	const seen = new Map<string, number[]>();
	const rule = { limit, windowMs: 60_000 };
	return (key, now) => {
		const recent = (seen.get(key) ?? []).filter((t) => now - t < rule.windowMs);
		if (seen.size > 50_000) seen.clear();
		const allowed = waitBeforeNextTry(recent, now, rule) === 0;
		if (allowed) recent.push(now);
		seen.set(key, recent);
		return allowed;
	};
}
