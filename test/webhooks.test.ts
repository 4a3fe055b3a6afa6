import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { allowListOf } from "../src/app/outbound-http.js";
import { createEndpoint, endpointAttempts } from "../src/app/webhook-endpoints.js";
import { verifyWebhook } from "../src/app/webhook-signature.js";
import { webhookDelivery } from "../src/jobs/webhook-delivery.js";
import { runWorker } from "../src/jobs/worker.js";
import type { Database } from "../src/storage/database.js";
import { JOBS_CHANNEL } from "../src/storage/job-constants.js";
import { backends } from "./support/backends.js";
import { received } from "./support/clock.js";

interface Received {
	headers: IncomingHttpHeaders;
	body: string;
	status: number;
}

/** A receiver on loopback that fails every other request. */
async function flakyReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
	const received: Received[] = [];
	let count = 0;
	const server = createServer((request, response) => {
		let body = "";
		request.on("data", (chunk) => {
			body += chunk;
		});
		request.on("end", () => {
			const status = count++ % 2 === 0 ? 503 : 204;
			received.push({ headers: request.headers, body, status });
			response.writeHead(status).end(status === 503 ? "busy, try later" : "");
		});
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received, server };
}

const demoLead = (n: number) => [
	{ type: "identify", messageId: `i${n}`, userId: `u${n}`, traits: { email: `p${n}@acme.io` } },
	{ type: "track", messageId: `d${n}`, userId: `u${n}`, event: "Demo Requested" },
];

describe.each(backends())("webhooks on $name", (backend) => {
	let database: Database;
	let receiver: Awaited<ReturnType<typeof flakyReceiver>>;
	beforeEach(async () => {
		database = await backend.open();
		receiver = await flakyReceiver();
	});
	afterEach(async () => {
		await new Promise((resolve) => receiver.server.close(resolve));
		await database.close();
	});

	async function deliverAll(allow: string, until: () => boolean | Promise<boolean>) {
		const stop = new AbortController();
		const handler = webhookDelivery(database.db, { allowed: allowListOf(allow), schedule: [20, 40, 80] });
		const worker = runWorker({
			db: database.db,
			handlers: { "webhook.deliver": handler },
			pollMs: 50,
			subscribe: (wake) => database.listen(JOBS_CHANNEL, wake),
			signal: stop.signal,
		});
		for (let i = 0; i < 200 && !(await until()); i++) await new Promise((r) => setTimeout(r, 50));
		stop.abort();
		await worker;
	}

	it("delivers every event through a receiver that fails half its requests, signed, with stable ids", async () => {
		const endpoint = await createEndpoint(
			database.db,
			{
				url: receiver.url,
				description: "flaky",
				events: ["lead.mql"],
				format: "standard",
				minScoreChange: 0,
			},
			allowListOf("127.0.0.0/8"),
		);
		for (let n = 0; n < 5; n++) await ingestBatch(database.db, demoLead(n), received);
		const delivered = () =>
			new Set(receiver.received.filter((r) => r.status === 204).map((r) => r.headers["webhook-id"])).size;
		await deliverAll("127.0.0.0/8", () => delivered() === 5);

		expect(delivered()).toBe(5);
		for (const r of receiver.received) {
			const ok = verifyWebhook(
				endpoint.secret,
				{
					id: String(r.headers["webhook-id"]),
					timestamp: String(r.headers["webhook-timestamp"]),
					signature: String(r.headers["webhook-signature"]),
				},
				r.body,
			);
			expect(ok).toBe(true);
			expect(JSON.parse(r.body).type).toBe("lead.mql");
		}
		// a failed delivery is retried with the same webhook-id and the same body
		const failed = receiver.received.filter((r) => r.status === 503);
		expect(failed.length).toBeGreaterThan(0);
		for (const f of failed) {
			const retry = receiver.received.find(
				(r) => r.status === 204 && r.headers["webhook-id"] === f.headers["webhook-id"],
			);
			expect(retry?.body).toBe(f.body);
		}
		const log = await endpointAttempts(database.db, endpoint.id);
		expect(log.filter((a) => a.succeeded)).toHaveLength(5);
		expect(log.find((a) => !a.succeeded)).toMatchObject({ status: 503, responseExcerpt: "busy, try later" });
	});

	it("refuses to call a loopback address unless configured to, and says so in the log", async () => {
		const endpoint = await createEndpoint(
			database.db,
			{
				url: receiver.url,
				description: "",
				events: ["lead.mql"],
				format: "slack",
				minScoreChange: 0,
			},
			allowListOf("127.0.0.0/8"),
		);
		await ingestBatch(database.db, demoLead(1), received);
		await deliverAll("", async () => (await endpointAttempts(database.db, endpoint.id)).length > 0);
		const attempts = await endpointAttempts(database.db, endpoint.id);
		expect(receiver.received).toHaveLength(0);
		expect(attempts[0]?.error).toMatch(/refused: 127\.0\.0\.1 is a private, loopback or link-local address/);
	});

	it("disables an endpoint that has failed for three days", async () => {
		const endpoint = await createEndpoint(
			database.db,
			{
				url: "http://127.0.0.1:9/nothing-listens-here",
				description: "",
				events: ["lead.mql"],
				format: "standard",
				minScoreChange: 0,
			},
			allowListOf("127.0.0.0/8"),
		);
		await database.db
			.updateTable("webhook_endpoints")
			.set({ failing_since: new Date(Date.now() - 4 * 86_400_000) })
			.where("id", "=", endpoint.id)
			.execute();
		await ingestBatch(database.db, demoLead(2), received);
		const disabled = async () =>
			await database.db
				.selectFrom("webhook_endpoints")
				.select(["enabled", "disabled_reason"])
				.executeTakeFirstOrThrow();
		let state = await disabled();
		const stop = new AbortController();
		const worker = runWorker({
			db: database.db,
			handlers: {
				"webhook.deliver": webhookDelivery(database.db, { allowed: allowListOf("127.0.0.0/8"), schedule: [20] }),
			},
			pollMs: 20,
			signal: stop.signal,
		});
		for (let i = 0; i < 100 && state.enabled; i++) {
			await new Promise((r) => setTimeout(r, 50));
			state = await disabled();
		}
		stop.abort();
		await worker;
		expect(state.enabled).toBe(false);
		expect(state.disabled_reason).toMatch(/disabled after failing since/);
	});
});
