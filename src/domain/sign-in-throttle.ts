/**
 * How many failed sign-ins a key (an e-mail, a client address) may have in a window before
 * further tries are refused, and for how long: until the oldest failure that counts leaves
 * the window. Pure: the caller reads the failures' times and the clock.
 */
export interface ThrottleRule {
	limit: number;
	windowMs: number;
}

export const SIGN_IN_RULES = {
	/** one account: a person mistyping is never stopped, a guesser is slowed to 5 tries a quarter hour */
	email: { limit: 5, windowMs: 15 * 60_000 },
	/** one client address, across accounts: spraying one password over many accounts */
	address: { limit: 30, windowMs: 15 * 60_000 },
} as const satisfies Record<string, ThrottleRule>;

/** Milliseconds to wait before the next try, or 0 when a try is allowed now. */
export function waitBeforeNextTry(failures: readonly number[], now: number, rule: ThrottleRule): number {
	const recent = failures.filter((at) => at > now - rule.windowMs).sort((a, b) => b - a);
	if (recent.length < rule.limit) return 0;
	const oldestCounted = recent[rule.limit - 1] as number;
	return Math.max(1, oldestCounted + rule.windowMs - now);
}
