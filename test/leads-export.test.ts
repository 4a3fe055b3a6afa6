import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../src/app/api-keys.js";
import { ingestBatch } from "../src/app/ingest-batch.js";
import { createApp } from "../src/http/app.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { received, testClock } from "./support/clock.js";

describe.each(backends())("leads list filters and CSV export on $name", (backend) => {
	let database: Database;
	let app: ReturnType<typeof createApp>;
	let key: string;
	const get = (path: string) => app.request(path, { headers: { authorization: `Bearer ${key}` } });

	beforeAll(async () => {
		database = await backend.open();
		app = createApp({ db: database.db, clock: testClock() });
		key = (await createApiKey(database.db, "secret", "admin")).key;
		const identify = (n: number, traits: Record<string, unknown>) => ({
			type: "identify",
			messageId: `i${n}`,
			userId: `u${n}`,
			traits: { email: `p${n}@acme.io`, ...traits },
		});
		await ingestBatch(
			database.db,
			[
				identify(1, { firstName: '=HYPERLINK("http://evil.example","x")', company: 'Acme, "the" Co' }),
				identify(2, {
					firstName: "Vera",
					seniority: "VP",
					industry: "Software",
					companySize: "201-1000",
					country: "Germany",
				}),
				{ type: "track", messageId: "d2", userId: "u2", event: "Demo Requested" },
				identify(3, { firstName: "Noor" }),
			],
			received,
		);
	});
	afterAll(async () => database.close());

	it("filters by the active model's grade and temperature", async () => {
		const a = await (await get("/v1/leads?grade=A")).json();
		expect(a.data.map((l: { email: string }) => l.email)).toEqual(["p2@acme.io"]);
		const warm = await (await get("/v1/leads?temperature=warm")).json();
		expect(warm.data).toHaveLength(1);
		const cold = await (await get("/v1/leads?temperature=cold&grade=D")).json();
		expect(cold.data.map((l: { email: string }) => l.email).sort()).toEqual(["p1@acme.io", "p3@acme.io"]);
		expect((await get("/v1/leads?grade=E")).status).toBe(400);
	});

	it("exports the matching leads as CSV with formulas defused and commas quoted", async () => {
		const response = await get("/v1/leads/export.csv?sort=createdAt&order=asc");
		expect(response.status).toBe(200);
		expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
		expect(response.headers.get("content-disposition")).toMatch(/attachment; filename="qualify-leads.csv"/);
		const lines = (await response.text()).trim().split("\n");
		expect(lines[0]).toBe(
			"id,email,first_name,last_name,title,company,country,stage,grade,temperature,fit,engagement,qualified,consent,source,owner_id,created_at,last_seen_at",
		);
		expect(lines).toHaveLength(4);
		const evil = lines.find((l) => l.includes("p1@acme.io")) ?? "";
		expect(evil).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
		expect(evil).toContain(`"Acme, ""the"" Co"`);
		const vera = lines.find((l) => l.includes("p2@acme.io")) ?? "";
		expect(vera).toMatch(/,mql,A,warm,45,40,true,subscribed,/);
		const onlyA = (await (await get("/v1/leads/export.csv?grade=A")).text()).trim().split("\n");
		expect(onlyA).toHaveLength(2);
	});
});
