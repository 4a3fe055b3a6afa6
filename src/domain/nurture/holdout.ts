/** A well-mixed 53-bit hash of a string (cyrb53), as a fraction in [0, 1). */
function hashFraction(text: string): number {
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ c, 2654435761);
		h2 = Math.imul(h2 ^ c, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return (4294967296 * (2097151 & h2) + (h1 >>> 0)) / 2 ** 53;
}

/**
 * Whether a lead is kept back from a sequence: a fixed draw from the pair of ids, so the same
 * lead is held out of the same sequence every time, and a share `percent` of leads is.
 */
export function isHeldOut(sequenceId: string, leadId: string, percent: number): boolean {
	return percent > 0 && hashFraction(`${sequenceId}:${leadId}`) * 100 < percent;
}
