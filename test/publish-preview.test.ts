import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../src/app/api-keys.js";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { rescoreAll } from "../src/app/rescore.js";
import { createApp } from "../src/http/app.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { received, TEST_NOW, testClock } from "./support/clock.js";

describe.each(backends())("previewing a publish on $name", (backend) => {
	let database: Database;
	let app: ReturnType<typeof createApp>;
	let secret: string;
	const call = async (method: string, path: string, body?: unknown) => {
		const response = await app.request(path, {
			method,
			headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
			...(body === undefined ? {} : { body: JSON.stringify(body) }),
		});
		return { status: response.status, body: await response.json() };
	};
	const mqlMoves = async () =>
		Number(
			(
				await database.db
					.selectFrom("stage_changes")
					.select((eb) => eb.fn.countAll().as("n"))
					.where("to_stage", "=", "mql")
					.executeTakeFirstOrThrow()
			).n,
		);

	beforeAll(async () => {
		database = await backend.open();
		app = createApp({ db: database.db, clock: testClock() });
		secret = (await createApiKey(database.db, "secret", "admin")).key;
		// Twelve leads, each a few pricing visits apart: none qualifies under the default model.
		const now = TEST_NOW.getTime();
		const events = Array.from({ length: 12 }, (_, i) => [
			{
				type: "identify",
				messageId: `i${i}`,
				userId: `u${i}`,
				traits: { email: `u${i}@corp${i}.com`, title: "VP Sales" },
			},
			...Array.from({ length: i % 4 }, (_, d) => ({
				type: "page",
				messageId: `p${i}-${d}`,
				userId: `u${i}`,
				name: "Pricing",
				context: { page: { path: "/pricing", url: "https://qualify.dev/pricing" } },
				timestamp: new Date(now - (d + 1) * 86_400_000).toISOString(),
			})),
		]).flat();
		expect((await ingestBatch(database.db, events, received)).errors).toEqual([]);
	});
	afterAll(async () => database.close());

	it("says how many leads a publish will move to MQL, and the publish moves exactly those", async () => {
		const active = (await call("GET", "/v1/scoring-models")).body.data[0];
		const draft = (await call("POST", "/v1/scoring-models", { basedOn: active.id })).body;
		const document = { ...draft.document, qualification: { fitAtLeast: 0, engagementAtLeast: 15 } };
		expect((await call("PUT", `/v1/scoring-models/${draft.id}`, document)).status).toBe(200);

		const before = await mqlMoves();
		const preview = await call("GET", `/v1/scoring-models/${draft.id}/publish-preview`);
		expect(preview.status).toBe(200);
		expect(preview.body).toMatchObject({ leads: 12, qualifiedNow: 0 });
		expect(preview.body.newMqls).toBeGreaterThan(0);
		expect(preview.body.newMqls).toBeLessThan(12);
		expect(preview.body.examples.length).toBe(Math.min(20, preview.body.newMqls));
		expect(preview.body.stopping).toEqual([]);
		expect(Object.values(preview.body.byGrade).reduce((a, b) => (a as number) + (b as number), 0)).toBe(12);
		expect(await mqlMoves()).toBe(before); // a preview writes nothing

		expect((await call("POST", `/v1/scoring-models/${draft.id}/publish`)).status).toBe(200);
		const summary = await rescoreAll(database.db, { now: TEST_NOW });
		expect(summary.newMqls).toBe(preview.body.newMqls);
		expect(summary.byGrade).toEqual(preview.body.byGrade);
		expect((await mqlMoves()) - before).toBe(preview.body.newMqls);

		// A stricter draft names the leads that qualify now and would stop.
		const published = (await call("GET", "/v1/scoring-models")).body.data.find(
			(m: { status: string }) => m.status === "published",
		);
		const stricter = (await call("POST", "/v1/scoring-models", { basedOn: published.id })).body;
		const strictDocument = { ...stricter.document, qualification: { fitAtLeast: 0, engagementAtLeast: 25 } };
		expect((await call("PUT", `/v1/scoring-models/${stricter.id}`, strictDocument)).status).toBe(200);
		const strict = (await call("GET", `/v1/scoring-models/${stricter.id}/publish-preview`)).body;
		expect(strict.qualifiedAfter).toBeLessThan(strict.qualifiedNow);
		expect(strict.stopping.length).toBe(Math.min(20, strict.qualifiedNow - strict.qualifiedAfter));
		for (const lead of strict.stopping)
			expect((await call("GET", `/v1/leads/${lead.id}/score`)).body.qualification.qualified).toBe(true);
	});

	it("refuses to preview a model that does not exist", async () => {
		expect((await call("GET", "/v1/scoring-models/00000000-0000-4000-8000-000000000000/publish-preview")).status).toBe(
			404,
		);
	});
});
