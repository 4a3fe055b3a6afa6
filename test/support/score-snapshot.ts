import type { Db } from "../../src/storage/database.js";

/** Every lead's stored score state under a version, keyed by lead, for exact comparison. */
export async function scoreStates(db: Db, version: number) {
	const rows = await db
		.selectFrom("lead_scores")
		.select(["lead_id", "state"])
		.where("model_version", "=", version)
		.orderBy("lead_id")
		.execute();
	return Object.fromEntries(rows.map((r) => [r.lead_id, r.state]));
}

/** Demo messages shuffled and cut into batches: arrival out of order, with retried batches. */
export function shuffledBatches(messages: Record<string, unknown>[], seed: number, size: number) {
	let x = seed;
	const random = () => {
		x = (x * 1103515245 + 12345) % 2147483648;
		return x / 2147483648;
	};
	const shuffled = [...messages];
	for (let i = shuffled.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[shuffled[i], shuffled[j]] = [shuffled[j] as Record<string, unknown>, shuffled[i] as Record<string, unknown>];
	}
	const batches: Record<string, unknown>[][] = [];
	for (let i = 0; i < shuffled.length; i += size) batches.push(shuffled.slice(i, i + size));
	// a few batches are sent twice, as a client retrying after a timeout would
	for (let i = 0; i < batches.length; i += 7) batches.push(batches[i] as Record<string, unknown>[]);
	return batches;
}
