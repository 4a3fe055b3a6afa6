import { validateMessages } from "../src/app/ingest-batch.js";
import { demoFunnel } from "../src/domain/demo-funnel.js";
import { type ScorableEvent, scorableOfNormalized } from "../src/domain/scoring/scorable.js";

export const BENCH_NOW = new Date("2026-11-01T00:00:00Z");

/** Demo messages, lead by lead, until there are `total`. */
export function demoMessages(total: number, seed = 42): Record<string, unknown>[] {
	const messages: Record<string, unknown>[] = [];
	for (const lead of demoFunnel({ leads: 10_000_000, seed, now: BENCH_NOW })) {
		messages.push(...lead.messages);
		if (messages.length >= total) break;
	}
	return messages.slice(0, total);
}

/** Demo events as the engine reads them, each with the index of the lead it belongs to. */
export function demoScorableEvents(total: number): { events: ScorableEvent[]; leadOf: number[] } {
	const { events } = validateMessages(demoMessages(total), { receivedAt: BENCH_NOW });
	const leadOf = events.map((e) => Number(e.messageId.split("-")[2]));
	return { events: events.map(scorableOfNormalized), leadOf };
}
