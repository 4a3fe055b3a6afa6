/** A small seeded generator (mulberry32): the same seed gives the same sequence everywhere. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function pick<T>(random: () => number, items: readonly T[]): T {
	const item = items[Math.floor(random() * items.length)];
	if (item === undefined) throw new Error("pick from an empty list");
	return item;
}

/** Picks by weight: [[item, weight], …]. */
export function weighted<T>(random: () => number, items: readonly (readonly [T, number])[]): T {
	const total = items.reduce((sum, [, w]) => sum + w, 0);
	let r = random() * total;
	for (const [item, w] of items) {
		r -= w;
		if (r < 0) return item;
	}
	return pick(random, items)[0];
}

/** Knuth's method; fine for the small means demo data needs. */
export function poisson(random: () => number, mean: number): number {
	const limit = Math.exp(-mean);
	let k = 0;
	let p = random();
	while (p > limit) {
		k++;
		p *= random();
	}
	return k;
}
