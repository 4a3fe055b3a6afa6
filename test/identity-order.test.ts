import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestBatch } from "../src/app/ingest-batch.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { received } from "./support/clock.js";

type Message = Record<string, unknown> & { messageId: string };

/** One person's messages: who they are, the ids they had before, and what they did under each. */
const person = fc
	.record({
		anonymous: fc.integer({ min: 1, max: 2 }),
		oldUserId: fc.boolean(),
		identifyWithAnonymous: fc.boolean(),
		pages: fc.integer({ min: 1, max: 2 }),
	})
	.map((p) => (n: number, tag: string): Message[] => {
		const id = (s: string) => `${tag}-p${n}-${s}`;
		const user = id("user");
		const anons = Array.from({ length: p.anonymous }, (_, i) => id(`anon${i}`));
		const messages: Omit<Message, "messageId">[] = [
			{
				type: "identify",
				userId: user,
				traits: { email: `${id("mail")}@acme.io`.toLowerCase() },
				...(p.identifyWithAnonymous ? { anonymousId: anons[0] } : {}),
			},
		];
		for (const anon of anons) {
			messages.push({ type: "alias", previousId: anon, userId: user });
			for (let i = 0; i < p.pages; i++)
				messages.push({ type: "page", anonymousId: anon, properties: { path: `/p${i}` } });
		}
		if (p.oldUserId) {
			messages.push({ type: "alias", previousId: id("old"), userId: user });
			messages.push({ type: "track", userId: id("old"), event: "Used the old id" });
		}
		return messages.map((m, i) => ({ ...m, messageId: id(`m${i}`) }));
	});

describe.each(backends())("identity on $name", { timeout: 300_000 }, (backend) => {
	let database: Database;
	let run = 0;
	beforeAll(async () => {
		database = await backend.open();
	});
	afterAll(async () => database.close());

	/** Ingests in the given order and chunks; answers the leads as sets of message ids without the run's tag. */
	async function leadsOf(messages: Message[], chunks: number[], tag: string): Promise<string[][]> {
		let at = 0;
		for (const size of [...chunks, messages.length]) {
			const batch = messages.slice(at, at + Math.max(1, size));
			if (batch.length === 0) break;
			expect((await ingestBatch(database.db, batch, received)).errors).toEqual([]);
			at += batch.length;
		}
		const rows = await database.db
			.selectFrom("events")
			.select(["lead_id", "message_id"])
			.where("message_id", "like", `${tag}-%`)
			.execute();
		const byLead = new Map<string, string[]>();
		for (const row of rows)
			byLead.set(row.lead_id, [...(byLead.get(row.lead_id) ?? []), row.message_id.slice(tag.length)]);
		return [...byLead.values()].map((ids) => ids.sort()).sort((a, b) => (a[0] ?? "").localeCompare(b[0] ?? ""));
	}

	it("gives the same leads for any order of the same alias, identify and track messages", async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(person, { minLength: 1, maxLength: 3 }),
				fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 6 }),
				fc.infiniteStream(fc.integer()),
				async (people, chunks, shuffleSeeds) => {
					run++;
					const make = (tag: string) => people.flatMap((p, n) => p(n, tag));
					const oneByOne = make(`r${run}a`);
					const inOrder = await leadsOf(
						oneByOne,
						oneByOne.map(() => 1),
						`r${run}a`,
					);
					const shuffled = make(`r${run}b`);
					const seeds = shuffleSeeds[Symbol.iterator]();
					for (let i = shuffled.length - 1; i > 0; i--) {
						const j = Math.abs(seeds.next().value ?? 0) % (i + 1);
						[shuffled[i], shuffled[j]] = [shuffled[j] as Message, shuffled[i] as Message];
					}
					const reordered = await leadsOf(shuffled, chunks, `r${run}b`);
					expect(reordered).toEqual(inOrder);
					expect(inOrder).toHaveLength(people.length);
				},
			),
			{ numRuns: 60 },
		);
	});
});
