import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../src/app/api-keys.js";
import { DEFAULT_MODEL } from "../src/domain/scoring/default-model.js";
import { createApp } from "../src/http/app.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { testClock } from "./support/clock.js";

describe.each(backends())("scoring API on $name", (backend) => {
	let database: Database;
	let app: ReturnType<typeof createApp>;
	let secretKey: string;
	let writeKey: string;
	const call = (method: string, path: string, body?: unknown, key = secretKey) =>
		app.request(path, {
			method,
			headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
			...(body === undefined ? {} : { body: JSON.stringify(body) }),
		});

	beforeAll(async () => {
		database = await backend.open();
		app = createApp({ db: database.db, clock: testClock() });
		secretKey = (await createApiKey(database.db, "secret", "admin")).key;
		writeKey = (await createApiKey(database.db, "write", "site")).key;
	});
	afterAll(async () => database.close());

	it("ships the default model, published as version 1 and active", async () => {
		const list = await (await call("GET", "/v1/scoring-models")).json();
		expect(list.data).toEqual([expect.objectContaining({ version: 1, status: "published", active: true })]);
		const model = await (await call("GET", `/v1/scoring-models/${list.data[0].id}`)).json();
		expect(model.document.fit.every((r: { reason: string }) => r.reason.length > 10)).toBe(true);
		expect((await call("GET", "/v1/scoring-models", undefined, writeKey)).status).toBe(403);
	});

	it("refuses an invalid model with problems that name the rule and field", async () => {
		const bad = {
			...DEFAULT_MODEL,
			fit: [
				{ id: "slow", reason: "backtracks", if: { field: "title", op: "matches", value: "^(a+)+$" }, points: 5 },
				{ id: "nolist", reason: "x", if: { field: "industry", op: "inList", value: "missing" }, points: 5 },
			],
			engagement: [{ kind: "event", id: "e", reason: "x", when: { event: "X" }, points: "ten" }],
		};
		const response = await call("POST", "/v1/scoring-models", { document: bad });
		expect(response.status).toBe(400);
		const body = await response.json();
		expect(body.error.problems).toEqual([expect.objectContaining({ field: "engagement.0.points" })]);
		bad.engagement = [];
		const report = await (await call("POST", "/v1/scoring-models/validate", bad)).json();
		expect(report.valid).toBe(false);
		expect(report.problems.map((p: { field: string }) => p.field)).toEqual(["fit.1.if.value", "fit.0.if.value"]);
		expect(report.problems[1].message).toMatch(/backtracking/);
		await expect((await call("GET", "/v1/scoring-models")).json()).resolves.toMatchObject({
			data: [expect.anything()],
		});
	});

	it("edits drafts, publishes them as new versions, and keeps published models immutable", async () => {
		const active = (await (await call("GET", "/v1/scoring-models")).json()).data[0];
		const draft = await (await call("POST", "/v1/scoring-models", { basedOn: active.id })).json();
		expect(draft).toMatchObject({ status: "draft", version: null, active: false, basedOn: active.id });
		const edited = { ...draft.document, name: "Stricter", qualification: { fitAtLeast: 30, engagementAtLeast: 60 } };
		const put = await call("PUT", `/v1/scoring-models/${draft.id}`, { $schema: "x", ...edited });
		expect(put.status).toBe(200);
		expect((await put.json()).name).toBe("Stricter");
		const published = await call("POST", `/v1/scoring-models/${draft.id}/publish`);
		expect(published.status).toBe(200);
		expect(await published.json()).toMatchObject({ version: 2, active: true, status: "published" });
		expect((await call("PUT", `/v1/scoring-models/${draft.id}`, edited)).status).toBe(409);
		expect((await call("POST", `/v1/scoring-models/${draft.id}/publish`)).status).toBe(409);
		expect((await call("POST", `/v1/scoring-models/${draft.id}/archive`)).status).toBe(409);
		const archived = await call("POST", `/v1/scoring-models/${active.id}/archive`);
		expect(await archived.json()).toMatchObject({ status: "archived", version: 1 });
		expect((await call("GET", "/v1/scoring-models/not-an-id")).status).toBe(404);
	});

	it("explains a lead's score over HTTP, now and at a past moment", async () => {
		const ingest = await app.request("/v1/batch", {
			method: "POST",
			headers: {
				authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`,
				"content-type": "application/json",
			},
			body: JSON.stringify({
				batch: [
					{
						type: "identify",
						messageId: "h1",
						userId: "h",
						traits: { email: "h@initech.com", seniority: "VP" },
						timestamp: "2026-10-01T09:00:00Z",
					},
					{ type: "track", messageId: "h2", userId: "h", event: "Demo Requested", timestamp: "2026-10-02T09:00:00Z" },
				],
			}),
		});
		expect(ingest.status).toBe(200);
		const leads = await (await call("GET", "/v1/leads?q=h%40initech.com")).json();
		const id = leads.data[0].id;
		expect(leads.data[0].score).toMatchObject({ modelVersion: 2, grade: "C", qualified: true });
		const score = await (await call("GET", `/v1/leads/${id}/score`)).json();
		expect(score.modelVersion).toBe(2);
		expect(score.engagementRules.find((r: { id: string }) => r.id === "demo-request").events[0]).toMatchObject({
			messageId: "h2",
			event: "Demo Requested",
			points: 40,
		});
		const before = await (await call("GET", `/v1/leads/${id}/score?at=2026-10-01T12:00:00Z&version=1`)).json();
		expect(before).toMatchObject({ modelVersion: 1, engagement: 0, qualification: { qualified: false } });
		expect((await call("GET", `/v1/leads/${id}/score?at=yesterday`)).status).toBe(400);
	});

	it("serves the model's JSON Schema for editors", async () => {
		const schema = await (await call("GET", "/v1/scoring-models/schema")).json();
		expect(schema.title).toBe("Qualify scoring model");
		expect(Object.keys(schema.properties)).toEqual(
			expect.arrayContaining(["fit", "engagement", "bands", "qualification", "handRaisers", "disqualifiers"]),
		);
	});
});
