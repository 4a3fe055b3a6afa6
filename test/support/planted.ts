import { ingestBatch } from "../../src/app/ingest-batch.js";
import { leadIdOf, recordOutcome } from "../../src/app/outcomes.js";
import type { Db } from "../../src/storage/database.js";
import { TEST_NOW } from "./clock.js";

const DAY = 86_400_000;
export const daysAgo = (days: number) => new Date(TEST_NOW.getTime() - days * DAY).toISOString();

/**
 * 200 leads first seen 40 days ago; 50 of them (every fourth) were won 10 days ago. Planted:
 * converters read the case study 30 days ago (30 of 50, against 20 of the other 150) and are in
 * software (80% against 27%); every converter pays an invoice a day ago, after converting.
 */
export async function plantedHistory(db: Db): Promise<void> {
	const converts = (i: number) => i % 4 === 0;
	const messages = Array.from({ length: 200 }, (_, i) => {
		const user = `u${i}`;
		const c = converts(i);
		const reads = c ? i % 20 < 12 : i % 10 === 1;
		const software = c ? i % 10 < 7 : i % 10 < 3;
		return [
			{
				type: "identify",
				messageId: `${user}-i`,
				userId: user,
				traits: { email: `${user}@firm${i}.com`, industry: software ? "Software" : "Retail" },
				timestamp: daysAgo(40),
			},
			{
				type: "page",
				messageId: `${user}-p`,
				userId: user,
				name: "Home",
				context: { page: { path: "/" } },
				timestamp: daysAgo(35),
			},
			...(reads
				? [{ type: "track", messageId: `${user}-r`, userId: user, event: "Case Study Read", timestamp: daysAgo(30) }]
				: []),
			...(c
				? [{ type: "track", messageId: `${user}-pay`, userId: user, event: "Invoice Paid", timestamp: daysAgo(1) }]
				: []),
		];
	}).flat();
	const result = await ingestBatch(db, messages, { receivedAt: TEST_NOW, history: true });
	if (result.errors.length > 0) throw new Error(JSON.stringify(result.errors[0]));
	for (let i = 0; i < 200; i += 4) {
		const id = await leadIdOf(db, { externalId: `u${i}` });
		if (!id) throw new Error(`no lead u${i}`);
		await recordOutcome(
			db,
			id,
			{ outcome: "won", at: daysAgo(10) },
			{ source: "import", actorId: null, now: TEST_NOW },
		);
	}
}
