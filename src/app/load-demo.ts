import { type DemoOptions, demoFunnel } from "../domain/demo-funnel.js";
import type { Db } from "../storage/database.js";
import { type DemoSalesSummary, ensureDemoTeam, playDemoSales } from "./demo-sales.js";
import { ingestBatch } from "./ingest-batch.js";

export interface DemoSummary {
	leads: number;
	events: number;
	stored: number;
	duplicates: number;
	converters: number;
	/** what the demo sales team did, when the demo made the team (a store without one) */
	sales: DemoSalesSummary | null;
}

/**
 * Loads the demo funnel through the same ingest path as real events, in batches of 100. On a
 * store without a sales team it also makes a demo team and plays its part (see demo-sales.ts).
 * Message ids come from the seed, so loading the same demo twice stores nothing new.
 */
export async function loadDemo(
	db: Db,
	options: DemoOptions,
	onProgress: (summary: DemoSummary) => void = () => {},
): Promise<DemoSummary> {
	const summary: DemoSummary = { leads: 0, events: 0, stored: 0, duplicates: 0, converters: 0, sales: null };
	const madeTeam = await ensureDemoTeam(db);
	let batch: Record<string, unknown>[] = [];
	const flush = async () => {
		if (batch.length === 0) return;
		const result = await ingestBatch(db, batch, { receivedAt: options.now });
		if (result.errors.length > 0) throw new Error(`demo data was rejected: ${JSON.stringify(result.errors[0])}`);
		summary.stored += result.accepted;
		summary.duplicates += result.duplicates;
		batch = [];
		onProgress(summary);
	};
	for (const lead of demoFunnel(options)) {
		summary.leads++;
		summary.events += lead.messages.length;
		if (lead.converts) summary.converters++;
		for (const message of lead.messages) {
			batch.push(message);
			if (batch.length >= 100) await flush();
		}
	}
	await flush();
	if (madeTeam) summary.sales = await playDemoSales(db, options.now);
	return summary;
}
