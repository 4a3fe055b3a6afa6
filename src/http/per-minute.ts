/**
 * A sliding minute per key (a client address): whether one more call fits under `limit`, counted
 * when it does. Kept in the process, so a cluster of servers allows its size times as many.
 */
export function perMinute(limit: number): (key: string, now: number) => boolean {
	const seen = new Map<string, number[]>();
	return (key, now) => {
		const recent = (seen.get(key) ?? []).filter((t) => now - t < 60_000);
		if (seen.size > 50_000) seen.clear();
		const allowed = recent.length < limit;
		if (allowed) recent.push(now);
		seen.set(key, recent);
		return allowed;
	};
}
