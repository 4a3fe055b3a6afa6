import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import axe from "axe-core";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchChromium as launchBrowser } from "../../scripts/chromium.js";
import type { Clock } from "../../src/domain/clock.js";
import { createApp } from "../../src/http/app.js";
import type { Database } from "../../src/storage/database.js";
import { TEST_NOW, testClock } from "./clock.js";

export const SHOTS = "test-artifacts/screenshots";

/** Debian's Chromium for a test, with the screenshot folder ready. */
export async function launchChromium(): Promise<Browser> {
	mkdirSync(SHOTS, { recursive: true });
	return launchBrowser();
}

/** The API (with its server-sent events) and the built web app on a loopback port, as `serve` runs them. */
export async function serveApp(
	database: Database,
	options: {
		/** stands in front of the app, as a flaky network would */
		front?: (request: Request, app: (request: Request) => Response | Promise<Response>) => Response | Promise<Response>;
		/** the app's clock (fixed at TEST_NOW unless a test moves it) */
		clock?: Clock;
		publicUrl?: string;
	} = {},
): Promise<{ base: string; close: () => Promise<void> }> {
	const webRoot = fileURLToPath(new URL("../../web/dist", import.meta.url));
	const app = createApp({
		db: database.db,
		webRoot,
		listen: database.listen,
		clock: options.clock ?? testClock(),
		...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
	});
	const front = options.front ?? ((request, fetch) => fetch(request));
	const server = serve({ fetch: (request) => front(request, app.fetch), port: 0, hostname: "127.0.0.1" });
	await new Promise((resolve) => server.once("listening", resolve));
	return {
		base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		close: () =>
			new Promise((resolve) => {
				(server as import("node:http").Server).closeAllConnections(); // open event streams too
				server.close(() => resolve());
			}),
	};
}

/** A page whose clock reads TEST_NOW, as the server's does: no browser test depends on the day it runs. */
export async function newPage(browser: Browser, viewport = { width: 1366, height: 768 }): Promise<Page> {
	const page = await browser.newPage({ viewport });
	await page.clock.setFixedTime(TEST_NOW);
	return page;
}

export async function signInAs(page: Page, base: string, email: string, password: string): Promise<void> {
	await page.goto(base);
	await page.getByLabel("E-mail").fill(email);
	await page.getByLabel("Password").fill(password);
	await page.getByRole("button", { name: "Sign in" }).click();
	await page.waitForSelector(".who");
}

/** WCAG 2 A and AA problems axe-core rates serious or critical, as "rule: element" lines. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
	await page.addScriptTag({ content: axe.source });
	const violations = await page.evaluate(async () => {
		const result = await (
			window as unknown as {
				axe: { run: (c: Document, o: unknown) => Promise<{ violations: Array<Record<string, unknown>> }> };
			}
		).axe.run(document, { runOnly: ["wcag2a", "wcag2aa"] });
		return result.violations as Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>;
	});
	return violations
		.filter((v) => v.impact === "serious" || v.impact === "critical")
		.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}`));
}

/** Lead-supplied markup stayed text: no script ran and no element came from it. */
export async function leadTextIsInert(page: Page): Promise<{ ran: unknown; elements: number }> {
	return page.evaluate(() => ({
		ran: (window as unknown as { __xss?: unknown }).__xss ?? null,
		elements: document.querySelectorAll("img, svg[onload], [onerror], iframe").length,
	}));
}

/**
 * A browser suite's fixtures: a fresh PGlite store prepared by `prepare`, the app serving it and
 * Chromium, made before the suite's tests and closed after them.
 */
export function browserSuite(
	open: () => Promise<Database>,
	prepare: (database: Database) => Promise<void> = async () => {},
	options: Parameters<typeof serveApp>[1] = {},
) {
	const state: { database?: Database; browser?: Browser; server?: Awaited<ReturnType<typeof serveApp>> } = {};
	beforeAll(async () => {
		state.database = await open();
		await prepare(state.database);
		state.server = await serveApp(state.database, options);
		state.browser = await launchChromium();
	}, 120_000);
	afterAll(async () => {
		await state.browser?.close();
		await state.server?.close();
		await state.database?.close();
	});
	const made = <T>(value: T | undefined): T => {
		if (!value) throw new Error("the browser suite is not set up");
		return value;
	};
	return {
		get database() {
			return made(state.database);
		},
		get browser() {
			return made(state.browser);
		},
		get server() {
			return made(state.server);
		},
	};
}
