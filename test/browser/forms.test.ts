import { describe, expect, inject, it } from "vitest";
import { formResults } from "../../src/app/forms/forms.js";
import { createUser } from "../../src/app/users.js";
import { fixedClock } from "../../src/domain/clock.js";
import { backends } from "../support/backends.js";
import { accessibilityProblems, browserSuite, newPage, SHOTS, signInAs } from "../support/browser.js";
import { TEST_NOW } from "../support/clock.js";

const pglite = backends()[0];

describe.skipIf(!inject("chromium"))("forms in the web app, in Chromium", () => {
	const clock = fixedClock(TEST_NOW);
	const suite = browserSuite(
		() => (pglite as NonNullable<typeof pglite>).open(),
		async (database) => {
			await createUser(database.db, {
				email: "mo@mkt.io",
				name: "Mo",
				role: "marketing",
				password: "marketing pass 1",
			});
		},
		{ clock },
	);

	it("builds a form with a survey question, previews it, and shows what it brought as the API counts it", async () => {
		const { browser, database, server } = suite;
		const page = await newPage(browser);
		await signInAs(page, server.base, "mo@mkt.io", "marketing pass 1");
		await page.getByRole("link", { name: "Forms", exact: true }).click();
		await page.getByRole("link", { name: "New form…" }).click();
		await page.getByLabel("Name", { exact: true }).fill("Webinar follow-up");
		await page.getByLabel("Address /f/…").fill("follow-up");
		await page.getByLabel("Title on the page").fill("How was the webinar?");
		await page.getByRole("button", { name: "Add a field" }).click();
		const third = page.locator("fieldset.form-field").nth(2);
		await third.getByLabel("Trait (name)").fill("whyNotNow");
		await third.getByLabel("Label").fill("What holds you back?");
		await third.getByLabel("Type of field 3").selectOption("select");
		await third.getByLabel("Options, one a line").fill("No budget this year\nToo early for us");
		await page.getByLabel("A survey: answers are also recorded as survey_answered").check();
		await third.getByLabel("This asks why not now").check();
		await third.getByLabel("“No budget this year” means").selectOption("no_budget");
		await page.getByLabel("Double opt-in").check();
		await page.getByRole("button", { name: "Save form" }).click();
		await page.waitForURL(/\/forms\/[0-9a-f-]{36}$/);
		await page.getByRole("heading", { name: "On your site" }).waitFor();
		expect(await page.getByLabel("Paste into a page of yours").inputValue()).toContain("/f/follow-up");
		// the preview is the hosted page itself, sandboxed, and counts no view
		const preview = page.frameLocator("iframe.form-preview");
		await preview.getByRole("heading", { name: "How was the webinar?" }).waitFor();
		expect(await page.locator("iframe.form-preview").getAttribute("sandbox")).toBe("");
		const form = await database.db
			.selectFrom("forms")
			.select(["id", "definition"])
			.where("slug", "=", "follow-up")
			.executeTakeFirstOrThrow();
		expect(form.definition).toMatchObject({
			doubleOptIn: true,
			survey: {},
			fields: [{ name: "email" }, { name: "firstName" }, { notNowReasons: { "No budget this year": "no_budget" } }],
		});
		expect((await formResults(database.db, form.id)).views).toBe(0);
		await page.screenshot({ path: `${SHOTS}/form-editor.png`, fullPage: true });
		await page.locator("iframe.form-preview").screenshot({ path: `${SHOTS}/form-preview.png` });

		// a visitor fills it in
		const visitor = await browser.newPage();
		await visitor.goto(`${server.base}/f/follow-up`);
		await visitor.getByLabel("Work e-mail").fill("ada@acme.example");
		await visitor.getByLabel("What holds you back?").selectOption("No budget this year");
		clock.set(new Date(TEST_NOW.getTime() + 30_000));
		await visitor.getByRole("button", { name: "Send" }).click();
		await visitor.getByText("we have sent it a link").waitFor();
		await visitor.close();

		// the list's numbers are the API's
		await page.getByRole("link", { name: "Forms", exact: true }).click();
		const row = page.locator("tr[data-form='follow-up']");
		await expect.poll(() => row.locator("td[data-label='Submissions']").textContent()).toBe("1");
		const results = await formResults(database.db, form.id);
		expect(results).toMatchObject({ views: 1, starts: 1, submissions: 1, confirmed: 0 });
		for (const [label, value] of [
			["Views", results.views],
			["Starts", results.starts],
			["Submissions", results.submissions],
			["Confirmed", results.confirmed],
		] as const)
			expect(await row.locator(`td[data-label='${label}']`).textContent()).toBe(String(value));
		expect(await accessibilityProblems(page)).toEqual([]);

		// at phone width the table folds into cards and nothing runs off the screen
		await page.setViewportSize({ width: 390, height: 800 });
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		expect(overflow).toBeLessThanOrEqual(0);
		await page.screenshot({ path: `${SHOTS}/forms-phone.png`, fullPage: true });
	});
});
