import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ingestBatch } from "../../src/app/ingest-batch.js";
import { loadDemo } from "../../src/app/load-demo.js";
import { previewPublish } from "../../src/app/preview-publish.js";
import { rescoreAll } from "../../src/app/rescore.js";
import { createDraft } from "../../src/app/scoring-models.js";
import { createUser } from "../../src/app/users.js";
import type { Database } from "../../src/storage/database.js";
import { backends } from "../support/backends.js";
import {
	accessibilityProblems,
	launchChromium,
	leadTextIsInert,
	newPage,
	SHOTS,
	serveApp,
	signInAs,
} from "../support/browser.js";
import { received, TEST_NOW } from "../support/clock.js";

const pglite = backends()[0];

/** A lead whose every text field is markup that would run if the app ever rendered it as HTML. */
const HOSTILE = [
	{
		type: "identify",
		messageId: "x-identify",
		userId: "mallory",
		traits: {
			email: "mallory@evil.io",
			firstName: "<script>window.__xss='firstName'</script>",
			lastName: `<img src=x onerror="window.__xss='lastName'">`,
			company: `<img src=x onerror="window.__xss='company'">`,
			title: `<svg onload="window.__xss='title'">`,
			industry: "Software",
			city: `<iframe src="javascript:window.__xss='city'">`,
		},
		context: { campaign: { source: `<img src=x onerror="window.__xss='source'">` } },
	},
	{
		type: "track",
		messageId: "x-demo",
		userId: "mallory",
		event: "Demo Requested",
		properties: {
			note: "<script>window.__xss='property'</script>",
			"<img src=x onerror=window.__xss='key'>": `<img src=x onerror="window.__xss='value'">`,
		},
	},
];

describe.skipIf(!inject("chromium"))("every page of the web app in Chromium", () => {
	let database: Database;
	let browser: Browser;
	let server: Awaited<ReturnType<typeof serveApp>>;
	let malloryId: string;

	beforeAll(async () => {
		if (!pglite) throw new Error("PGlite backend missing");
		database = await pglite.open();
		const demo = await loadDemo(database.db, { leads: 150, seed: 4, now: TEST_NOW });
		expect(demo.sales?.accepted).toBeGreaterThan(0);
		expect((await ingestBatch(database.db, HOSTILE, received)).errors).toEqual([]);
		// two fresh hand-raisers: the queue always has MQLs to work, whatever the demo left open
		const fresh = ["nora", "omar"].flatMap((name) => [
			{ type: "identify", messageId: `${name}-i`, userId: name, traits: { email: `${name}@fresh.io`, title: "CTO" } },
			{ type: "track", messageId: `${name}-d`, userId: name, event: "Demo Requested" },
		]);
		const anHourEarlier = new Date(TEST_NOW.getTime() - 3_600_000); // due before mallory, who stays an MQL
		expect((await ingestBatch(database.db, fresh, { receivedAt: anHourEarlier })).errors).toEqual([]);
		malloryId = (
			await database.db
				.selectFrom("leads")
				.select("id")
				.where("email", "=", "mallory@evil.io")
				.executeTakeFirstOrThrow()
		).id;
		await createUser(database.db, {
			email: "ada@example.com",
			name: `Ada <img src=x onerror="window.__xss='user'">`,
			role: "admin",
			password: "correct horse battery",
		});
		await createUser(database.db, { email: "mo@mkt.io", name: "Mo", role: "marketing", password: "marketing pass 1" });
		await createUser(database.db, { email: "sam@sales.io", name: "Sam", role: "sales", password: "sales password 1" });
		server = await serveApp(database);
		browser = await launchChromium();
	}, 120_000);
	afterAll(async () => {
		await browser?.close();
		await server?.close();
		await database?.close();
	});

	async function visit(page: Page, name: string, path: string, ready: string) {
		await page.goto(`${server.base}${path}`);
		await page.locator(ready).first().waitFor();
		await page.waitForLoadState("networkidle");
		await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
		expect(await leadTextIsInert(page), `${name}: lead text ran or made elements`).toEqual({ ran: null, elements: 0 });
		expect(await accessibilityProblems(page), `${name}: accessibility`).toEqual([]);
	}

	it("shows each page to an admin with lead text inert and no serious accessibility problem", async () => {
		const page = await newPage(browser);
		// signed out, the app's first GET /v1/session is an expected 401; from here on, nothing may fail
		await signInAs(page, server.base, "ada@example.com", "correct horse battery");
		const problems: string[] = [];
		page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
		page.on("console", (message) => {
			if (message.type() === "error" || message.type() === "warning")
				problems.push(`console ${message.type()}: ${message.text()}`);
		});
		page.on("response", (response) => {
			if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
		});

		await visit(page, "dashboard", "/dashboard", "ol.funnel li[data-step='customer']");
		await page.getByRole("button", { name: "Last 90 days" }).click();
		await page.waitForLoadState("networkidle");
		const funnel = await page.locator("ol.funnel .count").allTextContents();
		const counts = funnel.map((c) => Number(c.replace(/\D/g, "")));
		expect(counts[0]).toBeGreaterThan(counts[1] as number);
		expect(counts[4]).toBeGreaterThan(0); // the demo's sales team won some: a living funnel
		expect(await page.locator("canvas").count()).toBeGreaterThan(0);
		// the demo team's people, with their speed to lead, and why sales rejected MQLs
		await page.locator("tr[data-owner='Alex Rivera']").waitFor();
		expect(await page.locator("tr[data-owner]").count()).toBe(3);
		expect(await page.locator("td.reasons[data-side='sales']").count()).toBeGreaterThan(0);
		// the team's rejections and the reasons' total answer one question: they agree
		const rejectedByOwner = (await page.locator("tr[data-owner] td:nth-child(7)").allTextContents()).map(Number);
		const salesHeader = await page.getByRole("columnheader", { name: /Sales rejected/ }).textContent();
		expect(Number(/\((\d+)\)/.exec(salesHeader ?? "")?.[1])).toBe(rejectedByOwner.reduce((a, b) => a + b, 0));

		// a funnel number links to the leads behind it
		const sqls = counts[2] as number;
		await page.locator("ol.funnel li[data-step='sql'] a").click();
		await page.waitForURL(/reached=sql/);
		// the filtered list replaces the page's rows once its answer is in: give a busy machine time
		await expect.poll(() => page.locator("tbody tr").count(), { timeout: 15_000 }).toBe(Math.min(50, sqls));

		await visit(page, "queue", "/queue", "tr[data-lead='mallory@evil.io']");
		expect(await page.locator("tr[data-lead='mallory@evil.io']").textContent()).toContain(
			`<img src=x onerror="window.__xss='company'">`,
		);
		// the queue works from the keyboard, as an inbox does
		const first = await page.locator("tbody tr").nth(1).getAttribute("data-lead");
		expect(first).toBeTruthy();
		await page.keyboard.press("j");
		await expect.poll(() => page.locator("tbody tr").nth(1).getAttribute("aria-current")).toBe("true");
		await page.keyboard.press("a");
		await page.getByText(/^Accepted .*: an SQL now\.$/).waitFor();
		await expect.poll(() => page.locator(`tr[data-lead='${first}']`).count()).toBe(0);

		await visit(page, "leads", "/leads?sort=score", "tbody tr");
		await visit(page, "leads-hostile-source", "/leads?q=mallory", "tr[data-lead='mallory@evil.io']");
		await visit(page, "lead-detail", `/leads/${malloryId}`, "li[data-rule='demo-request']");
		const detail = await page.locator("main").textContent();
		for (const field of ["window.__xss='title'", "window.__xss='property'", "window.__xss='city'"])
			expect(detail).toContain(field);
		expect(await page.locator("dl.profile").textContent()).toMatch(/Owner(Alex|Sam|Kim) /);
		// a stage move offered by the transition table, made from the lead's page
		await page.getByLabel("Move to").selectOption("sql");
		await page.getByRole("button", { name: "Move", exact: true }).click();
		await expect.poll(() => page.locator("article.lead > p.sub strong").textContent()).toBe("sql");
		// the stage history names the person who moved it
		expect(await page.locator("ul.stage-history li", { hasText: "mql → sql by Ada <img" }).count()).toBe(1);
		// the profile corrected by hand, and an unsubscribe recorded
		await page.getByRole("button", { name: "Edit profile" }).click();
		const form = page.getByRole("form", { name: "Edit profile" });
		await form.getByLabel("Company", { exact: true }).fill("Initech");
		await form.getByLabel("Consent").selectOption("unsubscribed");
		await form.getByRole("button", { name: "Save profile" }).click();
		await expect.poll(() => page.locator("dl.profile").textContent()).toMatch(/CompanyInitech/);
		expect(await page.locator("dl.profile").textContent()).toMatch(/Consentunsubscribed since .* \(web app\)/);
		// a second edit starts from the profile as saved, and does not send the first one back
		await page.getByRole("button", { name: "Edit profile" }).click();
		expect(await form.getByLabel("Company", { exact: true }).inputValue()).toBe("Initech");
		await form.getByLabel("Phone").fill("+49 30 1234");
		await form.getByRole("button", { name: "Save profile" }).click();
		await expect.poll(() => page.locator("p.contact").textContent()).toMatch(/\+49 30 1234/);
		expect(await page.locator("p.contact a[href^='tel:']").getAttribute("href")).toBe("tel:+49301234");
		// unsubscribed: the address is shown, but not as a mailto link
		expect(await page.locator("p.contact a[href^='mailto:']").count()).toBe(0);
		const saved = await database.db
			.selectFrom("leads")
			.select(["traits", "consent_status"])
			.where("id", "=", malloryId)
			.executeTakeFirstOrThrow();
		expect(saved.traits).toMatchObject({ company: "Initech", phone: "+49 30 1234" });
		expect(saved.consent_status).toBe("unsubscribed");
		await visit(page, "scoring", "/scoring", "li[data-rule='pricing-visit']");
		await visit(page, "signals", "/scoring/signals", "tr[data-signal]");
		// the demo's sales team won leads, so its history has signals, strongest first
		expect(await page.locator("tr[data-signal]").count()).toBeGreaterThan(3);
		// the reps' own field gives the outcome away: marked, and never worth points (a small demo: fewer leads a signal)
		await page.getByLabel("Seen on at least").fill("5");
		await page.locator("tr[data-signal^='leadQuality=']").first().waitFor();
		const repField = page.locator("tr[data-signal^='leadQuality=']").first();
		expect(await repField.locator(".flag").textContent()).toBe("gives the outcome away");
		expect(await repField.locator("[data-points]").textContent()).toBe("—");
		expect(await page.locator("td[data-points]:not(:has-text('—'))").count()).toBeGreaterThan(0);
		await page.getByRole("button", { name: "Draft a model from these signals" }).click();
		await page.waitForURL(/\/scoring\/[0-9a-f-]{36}$/);
		await page.locator("[data-rule-card^='fit.']").first().waitFor();
		await page.screenshot({ path: `${SHOTS}/signals-draft.png` });
		await visit(page, "settings-users", "/settings/users", "tr[data-user='mo@mkt.io']");
		await visit(page, "settings-api-keys", "/settings/api-keys", "form[aria-label='Create an API key']");
		await page.getByLabel("Name").fill("website");
		await page.getByRole("button", { name: "Create key" }).click();
		expect(await page.locator(".secret output").textContent()).toMatch(/^qk_w_/);
		await page.locator("tr[data-key='website']").waitFor();
		await page.screenshot({ path: `${SHOTS}/settings-api-key-created.png` });
		await visit(page, "settings-teams", "/settings/teams", "article[data-team='Demo sales']");
		await visit(page, "settings-webhooks", "/settings/webhooks", "form");
		// no script error, no React warning, no failed request on any page
		expect(problems).toEqual([]);
		await page.close();
	}, 120_000);

	it("lets marketing edit a draft with problems shown beside the rule, and publish after a count of stage changes", async () => {
		const page = await newPage(browser, { width: 1366, height: 900 });
		await signInAs(page, server.base, "mo@mkt.io", "marketing pass 1");
		await page.goto(`${server.base}/scoring`);
		await page.getByRole("button", { name: "New draft from this model" }).click();
		await page.waitForURL(/\/scoring\/[0-9a-f-]{36}$/);
		const draftId = page.url().split("/").pop() as string;

		// fit rule 1 in its JSON view, broken: the problem is named on "Fit rule 1", counted from 1
		const rule = page.locator("[data-rule-card='fit.Fit rule 1']");
		await rule.getByRole("button", { name: "JSON" }).click();
		const json = rule.getByLabel("Fit rule 1 as JSON");
		const text = (await json.inputValue()).replace(/"points": -?\d+/, '"points": "ten"');
		await json.fill(text);
		await expect.poll(() => rule.locator(".problems").textContent()).toMatch(/points/);
		await expect.poll(() => page.locator(".problem-count").textContent()).toMatch(/Fit rule 1 › points/);
		expect(await page.locator("[data-rule-card='fit.Fit rule 2'] .problems").count()).toBe(0);
		expect(await page.getByRole("button", { name: "Publish…" }).isDisabled()).toBe(true);
		// its sentence stays beside it while it is broken
		expect(await rule.locator(".sentence").textContent()).toMatch(/^\+20 /);
		await page.screenshot({ path: `${SHOTS}/scoring-draft-problem.png` });

		// fixed in the form: the JSON follows
		await json.fill(text.replace('"ten"', "20"));
		await rule.getByRole("button", { name: "Form" }).click();
		await rule.getByLabel("Points").fill("12");
		await rule.getByRole("button", { name: "JSON" }).click();
		expect(JSON.parse(await json.inputValue()).points).toBe(12);
		await page.getByLabel("How a lead qualifies").selectOption("thresholds");
		await page.getByLabel("engagement at least").fill("12");
		await page.getByLabel("fit at least").fill("0");
		await expect.poll(() => page.locator(".problems li").count()).toBe(0);
		// the sentence follows the edit before it is saved
		await expect.poll(() => rule.locator(".sentence").textContent()).toMatch(/^\+12 /);
		await page.getByRole("button", { name: "Save draft" }).click();
		await page.getByText("Draft saved.").waitFor();
		expect(await rule.locator(".sentence").textContent()).toMatch(/^\+12 /);

		await page.getByRole("button", { name: "Publish…" }).click();
		const dialog = page.getByRole("dialog");
		await dialog.waitFor();
		const expected = await previewPublish(database.db, draftId, TEST_NOW);
		expect(expected.newMqls).toBeGreaterThan(0);
		expect(await dialog.getByTestId("stage-changes").textContent()).toBe(
			`${expected.newMqls.toLocaleString("en-US")} leads will become MQLs`,
		);
		await page.screenshot({ path: `${SHOTS}/scoring-publish-confirmation.png` });
		await dialog.getByRole("button", { name: "Publish", exact: true }).click();
		await page.waitForURL(/\/scoring\?published=2$/);
		await expect.poll(() => page.locator("h1").textContent()).toMatch(/version 2, active/);
		const summary = await rescoreAll(database.db, { now: TEST_NOW });
		expect(summary.newMqls).toBe(expected.newMqls);
		await page.close();
	}, 120_000);

	it("lets sales read a draft but not edit it, in the page and in the API", async () => {
		const draft = await createDraft(database.db, {
			basedOn: (await database.db.selectFrom("scoring_models").select("id").executeTakeFirstOrThrow()).id,
		});
		const page = await newPage(browser);
		await signInAs(page, server.base, "sam@sales.io", "sales password 1");
		await page.goto(`${server.base}/scoring`);
		await page.locator("li[data-rule]").first().waitFor();
		expect(await page.getByRole("button", { name: "New draft from this model" }).count()).toBe(0);
		await page.goto(`${server.base}/scoring/${draft.id}`);
		await page.getByText("Your role (sales) may read models but not edit them.").waitFor();
		expect(await page.locator("input:not([readonly]):not([type=checkbox])").count()).toBe(0);
		await page.locator("[data-rule-card='fit.Fit rule 1']").getByRole("button", { name: "JSON" }).click();
		expect(await page.locator("textarea[readonly]").count()).toBe(await page.locator("textarea").count());
		expect(await page.getByRole("button", { name: "Publish…" }).count()).toBe(0);
		await page.screenshot({ path: `${SHOTS}/scoring-draft-read-only.png`, fullPage: true });
		const status = await page.evaluate(async (id) => {
			const session = await (await fetch("/v1/session")).json();
			const response = await fetch(`/v1/scoring-models/${id}/publish`, {
				method: "POST",
				headers: { "x-csrf-token": session.csrfToken },
			});
			return response.status;
		}, draft.id);
		expect(status).toBe(403);
		const preview = await page.evaluate(
			async (id) => (await fetch(`/v1/scoring-models/${id}/publish-preview`)).status,
			draft.id,
		);
		expect(preview).toBe(403); // it scores every lead: only for those who may publish
		await page.close();
	}, 120_000);
});
