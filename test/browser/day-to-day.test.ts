import { parse } from "csv-parse/sync";
import fc from "fast-check";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ingestBatch } from "../../src/app/ingest-batch.js";
import { loadDemo } from "../../src/app/load-demo.js";
import { createUser, updateUser } from "../../src/app/users.js";
import { DEFAULT_MODEL } from "../../src/domain/scoring/default-model.js";
import type { Database } from "../../src/storage/database.js";
import { backends } from "../support/backends.js";
import { launchChromium, newPage, SHOTS, serveApp, signInAs } from "../support/browser.js";
import { received, TEST_NOW } from "../support/clock.js";

const pglite = backends()[0];
const PHONE = { width: 390, height: 844 };

/** How far the page scrolls sideways: 0 when it fits the screen. */
const sidewaysScroll = (page: Page) =>
	page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe.skipIf(!inject("chromium"))("each person's day in the web app, in Chromium", () => {
	let database: Database;
	let browser: Browser;
	let server: Awaited<ReturnType<typeof serveApp>>;
	const owners: Record<string, string> = {};

	beforeAll(async () => {
		if (!pglite) throw new Error("PGlite backend missing");
		database = await pglite.open();
		await loadDemo(database.db, { leads: 150, seed: 4, now: TEST_NOW });
		// fresh hand-raisers, shared out round-robin: every rep has MQLs open
		const fresh = Array.from({ length: 9 }, (_, i) => [
			{
				type: "identify",
				messageId: `f${i}-i`,
				userId: `f${i}`,
				traits: { email: `fresh${i}@acme.io`, phone: "+1 555 0100" },
			},
			{ type: "track", messageId: `f${i}-d`, userId: `f${i}`, event: "Demo Requested" },
		]).flat();
		expect((await ingestBatch(database.db, fresh, received)).errors).toEqual([]);
		for (const o of await database.db.selectFrom("owners").select(["id", "name"]).execute()) owners[o.name] = o.id;
		await createUser(database.db, {
			email: "ada@example.com",
			name: "Ada",
			role: "admin",
			password: "correct horse battery",
		});
		await createUser(database.db, { email: "mo@mkt.io", name: "Mo", role: "marketing", password: "marketing pass 1" });
		await createUser(database.db, { email: "rita@sales.io", name: "Rita", role: "sales", password: "rita password 1" });
		await createUser(database.db, { email: "max@sales.io", name: "Max", role: "sales", password: "max password 12" });
		server = await serveApp(database);
		browser = await launchChromium();
	}, 120_000);
	afterAll(async () => {
		await browser?.close();
		await server?.close();
		await database?.close();
	});

	it("links a sales user to an owner on the Users page, and the rep then sees only their own queue", async () => {
		const open = await database.db.selectFrom("handoffs").select(["owner_id"]).where("status", "=", "open").execute();
		const openOf = (id: string) => open.filter((h) => h.owner_id === id).length;
		// the rep with the most open MQLs
		const [ownerName, ownerId] = Object.entries(owners).sort((a, b) => openOf(b[1]) - openOf(a[1]))[0] ?? ["", ""];
		const admin = await newPage(browser);
		await signInAs(admin, server.base, "ada@example.com", "correct horse battery");
		await admin.goto(`${server.base}/settings/users`);
		await admin.getByLabel("Sales owner Rita is").selectOption(ownerId);
		await admin.getByText(`Rita now works ${ownerName}'s queue.`).waitFor();
		await admin.close();

		const hers = openOf(ownerId);
		expect(hers).toBeGreaterThan(0);
		expect(hers).toBeLessThan(open.length); // others have MQLs she must not see

		const rep = await newPage(browser);
		await signInAs(rep, server.base, "rita@sales.io", "rita password 1");
		await rep.getByRole("heading", { name: /Your queue/ }).waitFor();
		await expect.poll(() => rep.locator("tbody tr").count()).toBe(Math.min(50, hers));
		expect(await rep.locator("h1 .count").textContent()).toBe(`${hers} open`);
		expect(await rep.getByRole("columnheader", { name: "Owner" }).count()).toBe(0);
		expect(await rep.getByLabel("Owner").count()).toBe(0); // no filter for a rep
		// due times in minutes, with the team's zone
		expect(await rep.locator("tbody tr td[data-label='Due']").first().textContent()).toMatch(
			/^(in|overdue by) \d+ (min|h \d+ min) \(.+ (UTC|[A-Za-z]+\/[A-Za-z_]+)\)$|^touched$/,
		);
		await rep.screenshot({ path: `${SHOTS}/queue-rep.png` });
		await rep.close();

		// a manager (sales, no owner) sees everyone's and filters by owner
		const manager = await newPage(browser);
		await signInAs(manager, server.base, "max@sales.io", "max password 12");
		await expect.poll(() => manager.locator("h1 .count").textContent()).toBe(`${open.length} open`);
		await manager.getByLabel("Owner").selectOption(ownerId);
		await expect.poll(() => manager.locator("h1 .count").textContent()).toBe(`${hers} open`);
		await manager.close();
	});

	it("shows marketing the queue without the controls it may not use", async () => {
		const page = await newPage(browser);
		await signInAs(page, server.base, "mo@mkt.io", "marketing pass 1");
		await page.goto(`${server.base}/queue`);
		await page.locator("tbody tr").first().waitFor();
		expect(await page.getByRole("button", { name: "Accept" }).count()).toBe(0);
		expect(await page.getByRole("button", { name: "Reject…" }).count()).toBe(0);
		expect(await page.getByRole("columnheader", { name: "Actions" }).count()).toBe(0);
		await page.locator("tbody tr a").first().click();
		await page.locator("section[aria-label='Score']").waitFor();
		expect(await page.getByRole("region", { name: "Sales actions" }).count()).toBe(0);
		await page.close();
	});

	it("rejects with a reason the rep chooses, closes on Esc, and shows the note on the lead's timeline", async () => {
		const page = await newPage(browser);
		await signInAs(page, server.base, "ada@example.com", "correct horse battery");
		await page.goto(`${server.base}/queue`);
		const row = page.locator("tbody tr").first();
		await row.getByRole("button", { name: "Reject…" }).click();
		const reason = row.getByLabel("Reason");
		expect(await reason.inputValue()).toBe(""); // nothing chosen for the rep
		expect(await row.getByRole("button", { name: "Reject", exact: true }).isDisabled()).toBe(true);
		await page.keyboard.press("Escape");
		expect(await row.getByRole("form", { name: "Reject" }).count()).toBe(0);

		const lead = await row.getAttribute("data-lead");
		await row.locator("a").first().click();
		await page.getByRole("region", { name: "Sales actions" }).waitFor();
		await page.getByLabel("Touch", { exact: true }).selectOption("call");
		await page.getByLabel("Outcome", { exact: true }).selectOption("voicemail");
		await page.getByRole("button", { name: "Log call" }).click();
		await page.getByText("Logged: call.").waitFor();
		await expect
			.poll(() => page.locator("tr[data-kind='touch']").first().textContent())
			.toMatch(/Call: left a voicemail.*by Ada/);
		await page.getByRole("button", { name: "Reject…" }).click();
		const reject = page.getByRole("form", { name: "Reject" });
		await reject.getByLabel("Reason").selectOption("no_budget");
		await reject.getByLabel("Note", { exact: true }).fill("Budget comes back in April");
		await reject.getByLabel("disqualify").check();
		await reject.getByRole("button", { name: "Reject", exact: true }).click();
		await page.getByText("Disqualified.").waitFor();
		await expect
			.poll(() => page.locator("tr[data-kind='stage']").first().textContent())
			.toMatch(/mql → disqualified.*No budget — Budget comes back in April — by Ada/);
		expect(await page.locator("ul.stage-history li").first().textContent()).toMatch(
			/mql → disqualified by Ada \(No budget\) — “Budget comes back in April”/,
		);
		const stored = await database.db.selectFrom("leads").select("stage").where("email", "=", lead).executeTakeFirst();
		expect(stored?.stage).toBe("disqualified");
		await page.screenshot({ path: `${SHOTS}/lead-rejected.png`, fullPage: true });
		await page.close();
	});

	it("takes a person whose session ended back to sign-in, and then back to where they were", async () => {
		const page = await newPage(browser);
		await signInAs(page, server.base, "ada@example.com", "correct horse battery");
		await page.goto(`${server.base}/leads?stage=mql`);
		await page.locator("tbody tr").first().waitFor();
		await database.db.deleteFrom("sessions").execute(); // expired, or signed out elsewhere
		await page.getByLabel("Stage").selectOption("sql");
		await page.getByText("Your session has ended. Sign in again to go back where you were.").waitFor();
		await page.getByLabel("E-mail").fill("ada@example.com");
		await page.getByLabel("Password").fill("correct horse battery");
		await page.getByRole("button", { name: "Sign in" }).click();
		await page.waitForURL(/\/leads\?stage=sql$/);
		await page.locator("tbody tr").first().waitFor();
		// the first column holds the row's checkbox, the third its stage
		expect(await page.locator("tbody tr td:nth-child(3)").allTextContents()).toContain("sql");
		await page.close();
	});

	it("says so when an action is refused (403) or the network fails", async () => {
		const page = await newPage(browser);
		await signInAs(page, server.base, "max@sales.io", "max password 12");
		const row = page.locator("tbody tr").first();
		await row.waitFor();
		// the network drops the request
		await page.route("**/v1/handoffs/*/accept", (route) => route.abort("internetdisconnected"));
		await row.getByRole("button", { name: "Accept" }).click();
		await row.getByRole("alert").waitFor();
		expect(await row.getByRole("alert").textContent()).toBe(
			"Qualify could not be reached: check the connection, then try again.",
		);
		await page.unroute("**/v1/handoffs/*/accept");
		// an admin makes Max marketing while his queue is open: the server refuses his next action
		const max = await database.db
			.selectFrom("users")
			.select("id")
			.where("email", "=", "max@sales.io")
			.executeTakeFirstOrThrow();
		await updateUser(database.db, max.id, { role: "marketing" });
		await row.getByRole("button", { name: "Accept" }).click();
		await expect.poll(() => row.getByRole("alert").textContent()).toBe("Your role (marketing) may not do this.");
		await page.screenshot({ path: `${SHOTS}/queue-refused.png` });
		await updateUser(database.db, max.id, { role: "sales" });
		await page.close();
	});

	it("fits a phone: the queue, a lead and the dashboard scroll only downwards at 390 px", async () => {
		const page = await newPage(browser, PHONE);
		await signInAs(page, server.base, "ada@example.com", "correct horse battery");
		await page.goto(`${server.base}/queue`);
		await page.locator("tbody tr").first().waitFor();
		expect(await sidewaysScroll(page)).toBe(0);
		expect(await page.getByRole("button", { name: "Sign out" }).isVisible()).toBe(true);
		const box = await page.getByRole("button", { name: "Sign out" }).boundingBox();
		expect((box?.x ?? 999) + (box?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
		await page.screenshot({ path: `${SHOTS}/phone-queue.png`, fullPage: true });
		await page.locator("tbody tr a").first().click();
		await page.locator("section[aria-label='Score']").waitFor();
		expect(await sidewaysScroll(page)).toBe(0);
		await page.screenshot({ path: `${SHOTS}/phone-lead.png`, fullPage: true });
		await page.goto(`${server.base}/dashboard`);
		await page.locator("ol.funnel li").first().waitFor();
		await page.waitForLoadState("networkidle");
		expect(await sidewaysScroll(page)).toBe(0);
		await page.screenshot({ path: `${SHOTS}/phone-dashboard.png`, fullPage: true });
		await page.close();
	});

	it("counts on every dashboard card exactly the leads its links export, for random periods", async () => {
		const page = await newPage(browser);
		await signInAs(page, server.base, "ada@example.com", "correct horse battery");
		await page.goto(`${server.base}/dashboard`);
		await page.locator("ol.funnel li").first().waitFor();
		// periods anywhere in the demo's 120 days, from one day to a quarter
		const periods = fc.sample(
			fc.tuple(fc.integer({ min: 0, max: 125 }), fc.integer({ min: 0, max: 90 })).map(([endBack, length]) => {
				const day = (back: number) => new Date(TEST_NOW.getTime() - back * 86_400_000).toISOString().slice(0, 10);
				return { from: day(endBack + length), to: day(endBack) };
			}),
			{ numRuns: 4, seed: 20261120 },
		);
		for (const period of [...periods, { from: "2026-11-20", to: "2026-11-20" }]) {
			await page.getByLabel("From", { exact: true }).fill(period.from);
			await page.getByLabel("to", { exact: true }).fill(period.to);
			await expect
				.poll(() => page.locator(".dashboard > p.sub").textContent())
				.toContain(
					new Date(`${period.to}T00:00:00Z`).toLocaleDateString("en-US", { dateStyle: "medium", timeZone: "UTC" }),
				);
			await page.waitForLoadState("networkidle");
			const links = await page
				.locator("[data-card] a[data-count]")
				.evaluateAll((as) =>
					as.map((a) => ({ href: a.getAttribute("href") ?? "", count: Number(a.getAttribute("data-count")) })),
				);
			expect(links.length).toBeGreaterThan(15);
			for (const link of links) {
				const query = link.href.split("?")[1] ?? "";
				const csv = await page.evaluate(async (q) => (await fetch(`/v1/leads/export.csv?${q}`)).text(), query);
				const rows = parse(csv, { columns: true }) as unknown[];
				expect(rows.length, `${period.from}..${period.to}: ${link.href}`).toBe(link.count);
			}
			// two numbers that answer the same question agree: the series adds up to the MQLs made
			const report = await page.evaluate(
				async (p) => (await fetch(`/v1/metrics/funnel?from=${p.from}&to=${p.to}&zone=UTC`)).json(),
				period,
			);
			const seriesMqls = report.series.reduce((n: number, b: { mqls: number }) => n + b.mqls, 0);
			expect(seriesMqls).toBe(report.mqlToSql.mqls);
		}
		await page.close();
	}, 180_000);

	it("edits every rule of the default model in a form whose JSON round-trips, and warns before unsaved edits are lost", async () => {
		const page = await newPage(browser, { width: 1366, height: 900 });
		await signInAs(page, server.base, "mo@mkt.io", "marketing pass 1");
		await page.goto(`${server.base}/scoring`);
		await page.getByRole("button", { name: "New draft from this model" }).click();
		await page.waitForURL(/\/scoring\/[0-9a-f-]{36}$/);
		const draftId = page.url().split("/").pop() as string;
		const draft = await page.evaluate(async (id) => (await fetch(`/v1/scoring-models/${id}`)).json(), draftId);
		const lists = [
			["fit", "Fit rule"],
			["engagement", "Engagement rule"],
			["handRaisers", "Hand-raiser"],
			["disqualifiers", "Disqualifier"],
		] as const;
		let checked = 0;
		for (const [list, title] of lists) {
			const rules = draft.document[list] as unknown[];
			expect(rules.length).toBe((DEFAULT_MODEL[list] as unknown[] | undefined)?.length ?? 0);
			for (const [i, rule] of rules.entries()) {
				const card = page.locator(`[data-rule-card='${list}.${title} ${i + 1}']`);
				// the form shows the rule; its JSON is the rule, unchanged by the form
				expect(await card.locator(".rule-form").count()).toBe(1);
				await card.getByRole("button", { name: "JSON" }).click();
				expect(JSON.parse(await card.getByLabel(`${title} ${i + 1} as JSON`).inputValue())).toEqual(rule);
				await card.getByRole("button", { name: "Form" }).click();
				checked++;
			}
		}
		expect(checked).toBe(
			lists.reduce((n, [list]) => n + ((DEFAULT_MODEL[list] as unknown[] | undefined)?.length ?? 0), 0),
		);
		expect(await page.getByRole("button", { name: "Save draft" }).isDisabled()).toBe(true); // nothing changed

		// an unknown operator: the problem lists the valid ones, on the rule named as the title counts
		const tenth = page.locator("[data-rule-card='fit.Fit rule 10']");
		await tenth.getByRole("button", { name: "JSON" }).click();
		const json = tenth.getByLabel("Fit rule 10 as JSON");
		await json.fill((await json.inputValue()).replace('"isFreeMail"', '"resembles"'));
		await expect
			.poll(() => tenth.locator(".problems").textContent())
			.toMatch(/if\.op must be one of: equals, notEquals, in, notIn/);
		await expect.poll(() => page.locator(".problem-count").textContent()).toMatch(/Fit rule 10 › if\.op/);
		await json.fill((await json.inputValue()).replace('"resembles"', '"isFreeMail"'));
		await expect.poll(() => page.locator(".problem-count").count()).toBe(0);

		// an edit in the form, then a link away: the page asks first
		await tenth.getByRole("button", { name: "Form" }).click();
		await tenth.getByLabel("Points").fill("-20");
		const questions: string[] = [];
		page.once("dialog", (dialog) => {
			questions.push(dialog.message());
			dialog.dismiss();
		});
		await page.getByRole("link", { name: "Dashboard" }).click();
		await expect.poll(() => questions).toEqual(["This draft has unsaved edits. Leave and lose them?"]);
		expect(page.url()).toMatch(/\/scoring\/[0-9a-f-]{36}$/);
		await page.screenshot({ path: `${SHOTS}/scoring-rule-builder.png`, fullPage: true });
		// deleting the draft needs no warning about its edits
		page.once("dialog", (dialog) => dialog.accept());
		await page.getByRole("button", { name: "Delete draft" }).click();
		await page.waitForURL(/\/scoring$/);
		await page.close();
	}, 120_000);

	it("backtests a draft against the active model, with both side by side and the threshold swept", async () => {
		const page = await newPage(browser, { width: 1366, height: 900 });
		await signInAs(page, server.base, "mo@mkt.io", "marketing pass 1");
		await page.goto(`${server.base}/scoring`);
		await page.getByRole("button", { name: "New draft from this model" }).click();
		await page.waitForURL(/\/scoring\/[0-9a-f-]{36}$/);
		await page.getByRole("button", { name: "Backtest…" }).click();
		await page.waitForURL(/\/backtest$/);
		const metrics = page.getByTestId("backtest-metrics");
		await metrics.waitFor();
		const cells = (row: number) => metrics.locator("tbody tr").nth(row).locator("td").allTextContents();
		expect(await metrics.locator("tbody tr").count()).toBe(2);
		// an unchanged copy of the active model flags exactly what the active model flags
		const draft = await cells(0);
		expect(draft).toEqual(await cells(1));
		expect(Number(draft[0])).toBeGreaterThan(0);
		await page.getByLabel("Target precision (%)").fill("20");
		await page.getByRole("button", { name: "Run" }).click();
		await expect.poll(() => page.locator("canvas").count()).toBeGreaterThanOrEqual(2);
		// about as many MQLs as the active model makes, judged by won deals: the pair found makes no more
		await page.getByLabel("Find the thresholds for").selectOption("volume");
		const activeMqls = Number(String(draft[0]).replace(/\D/g, ""));
		await page.getByLabel("Target MQLs").fill(String(activeMqls));
		await page.getByLabel("judged by").selectOption("won");
		await page.getByRole("button", { name: "Run" }).click();
		const found = page.locator("output.status", { hasText: /MQLs,/ });
		await found.waitFor();
		const made = Number(/: (\d+) MQLs/.exec((await found.textContent()) ?? "")?.[1]);
		expect(made).toBeGreaterThan(0);
		expect(made).toBeLessThanOrEqual(activeMqls);
		await page.screenshot({ path: `${SHOTS}/backtest.png`, fullPage: true });
		await page.close();
	});

	it("refuses a webhook to a loopback address when it is saved, and says why", async () => {
		const page = await newPage(browser);
		await signInAs(page, server.base, "ada@example.com", "correct horse battery");
		await page.goto(`${server.base}/settings/webhooks`);
		await page.getByLabel("URL", { exact: true }).fill("http://127.0.0.1:8080/hook");
		await page.getByRole("button", { name: "Subscribe" }).click();
		await expect
			.poll(() => page.getByRole("alert").textContent())
			.toMatch(/127\.0\.0\.1 is a private, loopback or link-local address/);
		expect(await database.db.selectFrom("webhook_endpoints").select("id").execute()).toEqual([]);
		await page.close();
	});
});

describe.skipIf(!inject("chromium"))("an admin's settings, in Chromium", () => {
	let database: Database;
	let browser: Browser;
	let server: Awaited<ReturnType<typeof serveApp>>;

	beforeAll(async () => {
		if (!pglite) throw new Error("PGlite backend missing");
		database = await pglite.open();
		await loadDemo(database.db, { leads: 40, seed: 2, now: TEST_NOW });
		await createUser(database.db, {
			email: "ada@example.com",
			name: "Ada",
			role: "admin",
			password: "correct horse battery",
		});
		await createUser(database.db, { email: "rita@sales.io", name: "Rita", role: "sales", password: "rita password 1" });
		server = await serveApp(database);
		browser = await launchChromium();
	}, 120_000);
	afterAll(async () => {
		await browser?.close();
		await server?.close();
		await database?.close();
	});

	it("renames a team, refuses one with no business day, and orders routing rules built with the condition form", async () => {
		const page = await newPage(browser);
		await signInAs(page, server.base, "ada@example.com", "correct horse battery");
		await page.goto(`${server.base}/settings/teams`);
		const team = page.locator("article[data-team='Demo sales']");
		await team.waitFor();
		const settings = team.getByRole("form", { name: "Settings of Demo sales" });
		for (const day of ["Mon", "Tue", "Wed", "Thu", "Fri"]) await settings.getByLabel(day).uncheck();
		await settings.getByRole("button", { name: "Save team" }).click();
		await expect
			.poll(() => settings.getByRole("alert").textContent())
			.toMatch(/businessDays: choose at least one business day/);
		await settings.getByLabel("Mon").check();
		await settings.getByLabel("Name").fill("Inside sales");
		await settings.getByRole("button", { name: "Save team" }).click();
		await page.locator("article[data-team='Inside sales']").waitFor();
		const renamed = await database.db.selectFrom("teams").select(["name", "business_days"]).executeTakeFirstOrThrow();
		expect(renamed).toEqual({ name: "Inside sales", business_days: [1] });

		// two routing rules from the condition form, then the second moved to the top
		for (const [name, country] of [
			["Germany", "Germany"],
			["France", "France"],
		] as const) {
			const form = page.getByRole("form", { name: "Add rule" });
			await form.getByLabel("Name").fill(name);
			await form.getByLabel("Field").fill("country");
			await form.getByLabel("Operator").selectOption("equals");
			await form.getByLabel("Value").fill(country);
			await form.getByRole("button", { name: "Add rule" }).click();
			await page.locator(`li[data-rule='${name}']`).waitFor();
		}
		await page.getByRole("button", { name: "Move France up" }).click();
		await page.getByText("Moved “France” up.").waitFor();
		await expect
			.poll(() => page.locator("ol.routing > li").evaluateAll((li) => li.map((l) => l.getAttribute("data-rule"))))
			.toEqual(["France", "Germany"]);
		const rules = await database.db
			.selectFrom("routing_rules")
			.select(["name", "position", "condition"])
			.orderBy("position")
			.execute();
		expect(rules.map((r) => [r.name, r.position])).toEqual([
			["France", 0],
			["Germany", 1],
		]);
		expect(rules[0]?.condition).toEqual({ field: "country", op: "equals", value: "France" });
		await page.screenshot({ path: `${SHOTS}/settings-teams-edited.png`, fullPage: true });
		await page.close();
	});

	it("resets a password for someone who forgot theirs, who then changes it on their account page", async () => {
		const admin = await newPage(browser);
		await signInAs(admin, server.base, "ada@example.com", "correct horse battery");
		await admin.goto(`${server.base}/settings/users`);
		const row = admin.locator("tr[data-user='rita@sales.io']");
		await row.getByRole("button", { name: "Reset password…" }).click();
		await row.getByLabel("New password", { exact: true }).fill("temporary pass 1");
		await row.getByRole("button", { name: "Set password" }).click();
		await admin.getByText("Rita has a new password; their sessions have ended.").waitFor();
		await admin.close();

		const rita = await newPage(browser);
		await signInAs(rita, server.base, "rita@sales.io", "temporary pass 1");
		await rita.getByRole("link", { name: "Rita (sales)" }).click();
		await rita.getByLabel("Current password").fill("temporary pass 1");
		await rita.getByLabel("New password (10 characters or more)").fill("ritas own pass 2");
		await rita.getByRole("button", { name: "Change password" }).click();
		await rita.getByText("Password changed. Your other sessions have ended; this one goes on.").waitFor();
		await rita.close();
		const again = await newPage(browser);
		await signInAs(again, server.base, "rita@sales.io", "ritas own pass 2");
		await again.close();
	});

	it("uploads a CSV: checks it, lets the columns be changed, imports it once, and remembers the mapping", async () => {
		const page = await newPage(browser);
		await signInAs(page, server.base, "ada@example.com", "correct horse battery");
		await page.goto(`${server.base}/leads`);
		await page.getByRole("link", { name: "Import a CSV…" }).click();
		const rows = Array.from(
			{ length: 60 },
			(_, i) =>
				`CRM-${i},buyer${i}@firm${i}.com,${["google", "linkedin", ""][i % 3]},${(i % 28) + 1}-03-2026,${i === 7 ? "lots" : i % 12},x${i}`,
		);
		const csv = `Contact ID,Email,Lead Source,Created Date,Visits,Internal Code\n${rows.join("\n")}\n`;
		await page
			.getByLabel("CSV file")
			.setInputFiles({ name: "crm.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
		await page.getByRole("button", { name: "Check the file" }).click();
		const summary = page.getByTestId("import-summary");
		await expect.poll(() => summary.textContent()).toMatch(/^60 rows: 59 would be imported, 1 turned away\./);
		expect(await page.locator("tr[data-column='Created Date'] td.sub").textContent()).toMatch(/day first/);
		expect(await page.getByLabel("What Lead Source is").inputValue()).toBe("source");
		expect(await page.locator("ul.problems").textContent()).toMatch(/line 9, Visits: "lots" is not a number/);
		// the person says the internal code is not worth keeping, and the visits column is text
		await page.getByLabel("What Internal Code is").selectOption("skip");
		await page.getByRole("button", { name: "Check again with these columns" }).click();
		await expect.poll(() => page.getByLabel("What Internal Code is").inputValue()).toBe("skip");
		await page.getByRole("button", { name: /^Import 59 rows$/ }).click();
		await expect.poll(() => summary.textContent()).toMatch(/^60 rows: 59 imported, 0 already there, 1 turned away\./);
		const imported = await database.db
			.selectFrom("leads")
			.select(["traits", "source"])
			.where("email", "like", "buyer%")
			.execute();
		expect(imported).toHaveLength(59);
		expect(imported.every((l) => !("internalCode" in (l.traits as object)))).toBe(true);
		expect(imported.filter((l) => l.source === "google")).toHaveLength(20);
		await page.screenshot({ path: `${SHOTS}/import-done.png`, fullPage: true });
		// the same file again: nothing changes, and the mapping chosen last time is the guess
		await page
			.getByLabel("CSV file")
			.setInputFiles({ name: "crm.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
		await page.getByRole("button", { name: "Check the file" }).click();
		await expect.poll(() => page.getByLabel("What Internal Code is").inputValue()).toBe("skip");
		await page.getByRole("button", { name: /^Import 59 rows$/ }).click();
		await expect.poll(() => summary.textContent()).toMatch(/^60 rows: 0 imported, 59 already there/);
		await page.close();
	});
});
