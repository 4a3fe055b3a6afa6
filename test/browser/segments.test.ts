import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ingestBatch } from "../../src/app/ingest-batch.js";
import { filteredLeads } from "../../src/app/leads.js";
import { loadDemo } from "../../src/app/load-demo.js";
import { previewSegment } from "../../src/app/segments/preview-segment.js";
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
const PHONE = { width: 390, height: 844 };
const sidewaysScroll = (page: Page) =>
	page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
const countOf = async (page: Page, selector: string) =>
	Number(await page.locator(selector).first().getAttribute("data-count"));

describe.skipIf(!inject("chromium"))("segments in the web app, in Chromium", () => {
	let database: Database;
	let browser: Browser;
	let server: Awaited<ReturnType<typeof serveApp>>;

	beforeAll(async () => {
		if (!pglite) throw new Error("PGlite backend missing");
		database = await pglite.open();
		await loadDemo(database.db, { leads: 150, seed: 4, now: TEST_NOW });
		// a decision-maker whose name is markup: it must stay text in the sample and the log
		const hostile = {
			type: "identify",
			messageId: "evil-i",
			userId: "evil",
			traits: {
				email: "boss@evil.io",
				firstName: `<img src=x onerror="window.__xss='segment'">`,
				seniority: "C-level",
				industry: "Software",
			},
		};
		expect((await ingestBatch(database.db, [hostile], received)).errors).toEqual([]);
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

	it("builds a segment from a starting point, text and form following each other, and shows its page", async () => {
		const page = await newPage(browser);
		const problems: string[] = [];
		page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
		await signInAs(page, server.base, "mo@mkt.io", "marketing pass 1");
		await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Segments" }).click();
		await page.getByRole("link", { name: "New segment…" }).click();
		await page.getByRole("button", { name: "Decision-makers in target industries" }).click();
		const text = page.getByLabel("Condition as text");
		await expect.poll(() => text.inputValue()).toContain('seniority in ("C-level", "VP", "Director")');
		// the count shown is the store's own count for that text
		const expected = await previewSegment(database.db, { text: await text.inputValue(), sample: 0 }, TEST_NOW);
		expect(expected.count).toBeGreaterThan(1);
		await expect.poll(() => countOf(page, ".preview [data-count]")).toBe(expected.count);
		await expect.poll(() => page.locator(".preview .sample li").count()).toBe(Math.min(8, expected.count));
		// the form shows the same two conditions
		await expect
			.poll(() => page.getByLabel("Condition 2: values, separated by commas").inputValue())
			.toBe("Software, Financial Services");

		// a mistake in the text is named where it is, and saving waits for it to be mended
		await text.fill('seniority in ("C-level" and');
		await page.locator("#segment-mistake.error").waitFor();
		expect(await page.locator("#segment-mistake").textContent()).toMatch(/line 1, column \d+/);
		expect(await page.getByRole("button", { name: "Save segment" }).isDisabled()).toBe(true);
		await text.fill('seniority in ("C-level", "VP") and industry = "Software"');
		await page.locator("#segment-mistake.visually-hidden").waitFor();

		// a change in the form is written back as text
		await page.getByLabel("Condition 2: value", { exact: true }).fill("Healthcare");
		await expect.poll(() => text.inputValue()).toBe('seniority in ("C-level", "VP") and industry = "Healthcare"');
		await page.getByLabel("Condition 2: value", { exact: true }).fill("Software");
		await expect.poll(() => text.inputValue()).toBe('seniority in ("C-level", "VP") and industry = "Software"');
		const saved = await previewSegment(database.db, { text: await text.inputValue(), sample: 0 }, TEST_NOW);
		await expect.poll(() => countOf(page, ".preview [data-count]")).toBe(saved.count);
		await page.screenshot({ path: `${SHOTS}/segment-builder.png`, fullPage: true });
		expect(await accessibilityProblems(page), "builder: accessibility").toEqual([]);
		await page.getByLabel("Name").fill("Software bosses");
		await page.getByRole("button", { name: "Save segment" }).click();

		// its page: members now, the size chart ending at the same number, entries logged
		await page.getByRole("heading", { name: "Software bosses" }).waitFor();
		await page.locator("figcaption[data-size]").waitFor();
		const members = await countOf(page, "p [data-count]");
		expect(members).toBe(saved.count);
		expect(Number(await page.locator("figcaption").getAttribute("data-size"))).toBe(members);
		await expect.poll(() => page.locator("table.changes tbody tr").count()).toBe(Math.min(25, members));
		expect(await leadTextIsInert(page)).toEqual({ ran: null, elements: 0 });
		await page.screenshot({ path: `${SHOTS}/segment-page.png`, fullPage: true });
		expect(await accessibilityProblems(page), "segment page: accessibility").toEqual([]);

		// its count opens the lead list filtered by it, showing the same leads
		await page.locator("p [data-count]").first().click();
		await page.waitForURL(/\/leads\?segment=/);
		await expect.poll(() => page.locator("tbody tr").count()).toBe(members);
		// and the dashboard narrows to it: the funnel's first count opens the same kind of list
		await page.getByRole("link", { name: "Dashboard" }).click();
		await page.getByLabel("Segment").selectOption({ label: "Software bosses" });
		await page.getByRole("button", { name: "Last 90 days" }).click();
		await page.locator("ol.funnel li[data-step='lead'] .count").waitFor();
		await expect.poll(() => page.url()).toContain("segment=");
		const inFunnel = await countOf(page, "ol.funnel li[data-step='lead'] .count");
		expect(inFunnel).toBeLessThanOrEqual(members);
		await page.locator("ol.funnel li[data-step='lead'] .count").click();
		await page.waitForURL(/\/leads\?.*segment=/);
		await expect.poll(() => page.locator("tbody tr").count()).toBe(inFunnel);
		expect(problems).toEqual([]);
		await page.close();
	});

	it("keeps a list by hand from the lead list: chosen rows, then all that match", async () => {
		const page = await newPage(browser);
		page.on("dialog", (dialog) => dialog.accept());
		await signInAs(page, server.base, "mo@mkt.io", "marketing pass 1");
		await page.goto(`${server.base}/segments`);
		await page.getByLabel("New list").fill("Event guests");
		await page.getByRole("button", { name: "Make list" }).click();
		await page.locator("tr[data-segment='Event guests']").waitFor();

		await page.goto(`${server.base}/leads?reached=mql`);
		await page.locator("tbody tr").first().waitFor();
		const rows = page.locator("tbody tr");
		await rows.nth(0).getByRole("checkbox").check();
		await rows.nth(1).getByRole("checkbox").check();
		await page.getByRole("button", { name: "Add 2 selected" }).click();
		await page.getByText("2 added to Event guests").waitFor();
		await page.getByRole("button", { name: "Add all that match" }).click();
		await page
			.getByText(/added to Event guests/)
			.last()
			.waitFor();
		const mqls = await filteredLeads(database.db, { reached: "mql" })
			.select((eb) => eb.fn.countAll<number>().as("n"))
			.executeTakeFirstOrThrow();
		expect(Number(mqls.n)).toBeGreaterThan(2);
		await expect
			.poll(() => page.locator("output.status").textContent())
			.toContain(`${Number(mqls.n) - 2} added to Event guests`);

		// shown by the list, two can be taken off it again
		await page.getByLabel("Segment").selectOption({ label: "Event guests (list)" });
		await expect.poll(() => page.locator("tbody tr").count()).toBe(Math.min(50, Number(mqls.n)));
		await rows.nth(0).getByRole("checkbox").check();
		await page.getByRole("button", { name: /Take 1 selected off Event guests/ }).click();
		await page.getByText(`1 taken off Event guests; ${Number(mqls.n) - 1} on it now.`).waitFor();
		await page.screenshot({ path: `${SHOTS}/leads-list-actions.png`, fullPage: true });
		await page.close();
	});

	it("fits a phone, and a sales person reads segments without the means to change them", async () => {
		const page = await newPage(browser, PHONE);
		await signInAs(page, server.base, "sam@sales.io", "sales password 1");
		await page.goto(`${server.base}/segments`);
		await page.locator("tr[data-segment='Software bosses']").waitFor();
		expect(await page.getByRole("link", { name: "New segment…" }).count()).toBe(0);
		expect(await page.getByLabel("New list").count()).toBe(0);
		expect(await sidewaysScroll(page)).toBe(0);
		await page.getByRole("link", { name: "Software bosses", exact: true }).click();
		await page.locator("figcaption[data-size]").waitFor();
		expect(await page.getByRole("link", { name: "Edit…" }).count()).toBe(0);
		expect(await sidewaysScroll(page)).toBe(0);
		await page.screenshot({ path: `${SHOTS}/segment-page-phone.png`, fullPage: true });
		await page.close();

		const builder = await newPage(browser, PHONE);
		await signInAs(builder, server.base, "mo@mkt.io", "marketing pass 1");
		await builder.goto(`${server.base}/segments/new`);
		await builder.getByRole("button", { name: "MQLs who replied or were called" }).click();
		await builder.locator(".preview [data-count]").waitFor();
		expect(await sidewaysScroll(builder)).toBe(0);
		await builder.screenshot({ path: `${SHOTS}/segment-builder-phone.png`, fullPage: true });
		await builder.close();
	});

	it("shows companies as buying groups: their people add up to the company's figures, on a desk and a phone", async () => {
		const page = await newPage(browser);
		const problems: string[] = [];
		page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
		await signInAs(page, server.base, "mo@mkt.io", "marketing pass 1");
		await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Accounts" }).click();
		await page.locator("tbody tr").first().waitFor();
		const total = Number(await page.locator("[data-total]").getAttribute("data-total"));
		const stored = await database.db
			.selectFrom("accounts")
			.select((eb) => eb.fn.countAll<number>().as("n"))
			.where("members", ">", 0)
			.executeTakeFirstOrThrow();
		expect(total).toBe(Number(stored.n));
		expect(total).toBeGreaterThan(5);
		// the free-mail people made no company
		expect(await page.locator("tr[data-account='gmail.com']").count()).toBe(0);
		await page.screenshot({ path: `${SHOTS}/accounts.png`, fullPage: true });
		expect(await accessibilityProblems(page), "accounts: accessibility").toEqual([]);

		// the most engaged company: its people's counted engagement adds up to its own
		await page.locator("tbody tr td a").first().click();
		await page.locator("table.people tbody tr").first().waitFor();
		const engagement = Number(await page.locator("[data-engagement]").getAttribute("data-engagement"));
		const counted = await page
			.locator("td[data-counted]")
			.evaluateAll((cells) => cells.reduce((n, c) => n + Number(c.getAttribute("data-counted")), 0));
		expect(counted).toBeCloseTo(engagement, 1);
		const people = await countOf(page, "p [data-count]");
		expect(await page.locator("table.people tbody tr").count()).toBe(people);
		await page.locator("ol.timeline-list li").first().waitFor();
		expect(await leadTextIsInert(page)).toEqual({ ran: null, elements: 0 });
		await page.screenshot({ path: `${SHOTS}/account-page.png`, fullPage: true });
		expect(await accessibilityProblems(page), "account page: accessibility").toEqual([]);
		// made a named account by hand
		await page.getByLabel(/named/).check();
		await page.getByText("Saved.").waitFor();
		// its people in the lead list: the same number
		await page.locator("p [data-count]").first().click();
		await page.waitForURL(/\/leads\?account=/);
		await expect.poll(() => page.locator("tbody tr").count()).toBe(Math.min(50, people));
		await page.locator("tbody tr td a").first().click();
		// and a person's page names their company
		await page.locator("dl.profile a[href^='/accounts/']").waitFor();
		expect(problems).toEqual([]);
		await page.close();

		const phone = await newPage(browser, PHONE);
		await signInAs(phone, server.base, "sam@sales.io", "sales password 1");
		await phone.goto(`${server.base}/accounts`);
		await phone.locator("tbody tr").first().waitFor();
		expect(await sidewaysScroll(phone)).toBe(0);
		expect(await phone.locator("details.account-model").count()).toBe(0);
		await phone.locator("tbody tr td a").first().click();
		await phone.locator("table.people tbody tr").first().waitFor();
		expect(await phone.getByLabel(/named/).count()).toBe(0); // sales reads, does not set owners
		expect(await sidewaysScroll(phone)).toBe(0);
		await phone.screenshot({ path: `${SHOTS}/account-page-phone.png`, fullPage: true });
		await phone.close();
	});
});
