import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ingestBatch } from "../../src/app/ingest-batch.js";
import { advanceNurture } from "../../src/app/nurture/advance.js";
import { enrolByHand } from "../../src/app/nurture/enrolments.js";
import { sendQueuedEmail } from "../../src/app/nurture/send-email.js";
import { createUser } from "../../src/app/users.js";
import { smtpMailer } from "../../src/email/mailer.js";
import type { Database } from "../../src/storage/database.js";
import { backends } from "../support/backends.js";
import { accessibilityProblems, launchChromium, newPage, SHOTS, serveApp, signInAs } from "../support/browser.js";
import { received, TEST_NOW } from "../support/clock.js";
import { smtpSink } from "../support/smtp-sink.js";

const pglite = backends()[0];

describe.skipIf(!inject("chromium"))("nurture in the web app, in Chromium", () => {
	let database: Database;
	let browser: Browser;
	let server: Awaited<ReturnType<typeof serveApp>>;
	let leadId: string;

	beforeAll(async () => {
		if (!pglite) throw new Error("PGlite backend missing");
		database = await pglite.open();
		const hostile = {
			type: "identify",
			messageId: "evil-i",
			userId: "evil",
			traits: { email: "eve@evil.io", firstName: `<img src=x onerror="window.__xss='nurture'">` },
		};
		expect((await ingestBatch(database.db, [hostile], received)).errors).toEqual([]);
		leadId = (await database.db.selectFrom("leads").select("id").executeTakeFirstOrThrow()).id;
		await createUser(database.db, { email: "mo@mkt.io", name: "Mo", role: "marketing", password: "marketing pass 1" });
		server = await serveApp(database);
		browser = await launchChromium();
	}, 120_000);
	afterAll(async () => {
		await browser?.close();
		await server?.close();
		await database?.close();
	});

	it("writes a template with a live preview, builds a sequence as a flow, and shows what it did", async () => {
		const page = await newPage(browser);
		await signInAs(page, server.base, "mo@mkt.io", "marketing pass 1");
		await page.getByRole("link", { name: "Nurture", exact: true }).click();
		await page.getByRole("link", { name: "New template…" }).click();
		await page.getByLabel("Name", { exact: true }).fill("Welcome");
		// a field no lead has is named as one types
		await page.getByLabel("Subject").fill("Hi {{ lead.frist_name }}");
		await expect.poll(() => page.getByRole("alert").textContent()).toContain("lead.frist_name");
		await page.getByLabel("Subject").fill('Hi {{ lead.first_name | default: "there" }}');
		await expect.poll(() => page.locator('[data-preview="subject"]').textContent()).toBe("Hi Ada");
		// the preview for a real lead whose name is markup: text, in a sandboxed frame
		await page.getByLabel("Preview for lead (id)").fill(leadId);
		await expect
			.poll(() => page.locator('[data-preview="subject"]').textContent())
			.toBe(`Hi <img src=x onerror="window.__xss='nurture'">`);
		expect(await page.locator("iframe.email-frame").getAttribute("sandbox")).toBe("");
		await page.getByRole("button", { name: "Save template" }).click();
		await page.waitForURL(/\/nurture\/templates\/[0-9a-f-]{36}$/);
		expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss ?? null)).toBeNull();

		await page.getByRole("link", { name: "Nurture", exact: true }).click();
		await page.getByRole("link", { name: "New sequence…" }).click();
		await page.getByLabel("Name", { exact: true }).fill("Welcome flow");
		await page.getByLabel("Step 1 kind").selectOption("email");
		await page.getByRole("button", { name: "Add a step" }).click();
		await page.getByLabel("Step 2 kind").selectOption("wait");
		await page.getByRole("button", { name: "Add a step" }).click();
		await page.getByLabel("Step 3 kind").selectOption("branch");
		expect(await page.locator(".flow-step").count()).toBe(3);
		await page.getByRole("button", { name: "Save" }).click();
		await page.waitForURL(/\/nurture\/sequences\/[0-9a-f-]{36}$/);
		await page.getByRole("button", { name: "Start" }).click();
		await expect.poll(() => page.locator("[data-status]").getAttribute("data-status")).toBe("active");
		expect(await accessibilityProblems(page)).toEqual([]);

		// the lead enrols and gets the e-mail; the results and the lead's page say so
		const sequenceId = page.url().split("/").pop() as string;
		const sink = await smtpSink();
		const mailer = smtpMailer(sink.url, "News <news@acme.example>");
		try {
			await enrolByHand(database.db, sequenceId, { leadIds: [leadId] }, TEST_NOW);
			await advanceNurture(database.db, TEST_NOW);
			const send = await database.db.selectFrom("email_sends").select("id").executeTakeFirstOrThrow();
			expect(await sendQueuedEmail(database.db, send.id, TEST_NOW, { mailer, publicUrl: server.base })).toBe("sent");
			expect(sink.received).toHaveLength(1);
		} finally {
			mailer?.close();
			await sink.close();
		}
		await page.reload();
		await expect.poll(() => page.locator('[data-step="all"] td').nth(1).textContent()).toBe("1");
		// the page's two counts of who entered agree: the header's, and the results' two groups
		const entered = Number(await page.locator("[data-entered]").getAttribute("data-entered"));
		const groups = await page.locator('[data-group] td[data-label="Leads"]').allTextContents();
		expect(groups.map(Number).reduce((a, b) => a + b, 0)).toBe(entered);
		expect(entered).toBe(1);
		await page.screenshot({ path: `${SHOTS}/nurture-sequence.png`, fullPage: true });

		await page.goto(`${server.base}/leads/${leadId}`);
		await expect.poll(() => page.locator('[data-enrolment="Welcome flow"]').textContent()).toContain("1 e-mail sent");
		expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss ?? null)).toBeNull();

		// a phone-width screen: the editor fits, nothing scrolls sideways but the results table
		await page.setViewportSize({ width: 390, height: 844 });
		await page.goto(`${server.base}/nurture/sequences/${sequenceId}`);
		await page.waitForSelector(".flow-step");
		const sideways = await page.evaluate(
			() => document.documentElement.scrollWidth - document.documentElement.clientWidth,
		);
		expect(sideways).toBeLessThanOrEqual(0);
		await page.screenshot({ path: `${SHOTS}/nurture-sequence-phone.png`, fullPage: true });
		await page.close();
	}, 120_000);
});
