/**
 * The tracker's weight and its effect on page load (issue 14), in Chromium, same run: its size
 * raw and gzipped beside Segment's analytics.js (`@segment/analytics-next` standalone), and the
 * load time of a small page without a tracker, with Qualify's, and with analytics.js, each served
 * from loopback, alternated BENCH_LOADS times (default 40).
 *
 *   npm run bench:tracker     (needs web/dist: npm run build; and /usr/bin/chromium)
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { launchChromium } from "../scripts/chromium.js";
import { quantile } from "./bench-database.js";

const LOADS = Number(process.env.BENCH_LOADS ?? 40);
const ours = readFileSync(new URL("../web/dist/t.js", import.meta.url));
const segment = readFileSync(
	new URL("../node_modules/@segment/analytics-next/dist/umd/standalone.js", import.meta.url),
);
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

const PAGE = (head: string) =>
	`<!doctype html><html><head><title>Acme</title>${head}</head><body>${"<p>Lorem ipsum dolor sit amet.</p>".repeat(200)}</body></html>`;

async function main() {
	const server = createServer((request, response) => {
		const url = request.url ?? "/";
		if (url.startsWith("/v1/")) {
			response.writeHead(200, { "content-type": "application/json", "access-control-allow-origin": "*" });
			return response.end(url.includes("settings") ? '{"integrations":{}}' : '{"success":true}');
		}
		if (url === "/t.js" || url === "/analytics.js") {
			response.writeHead(200, { "content-type": "application/javascript", "content-encoding": "gzip" });
			return response.end(gzipSync(url === "/t.js" ? ours : segment));
		}
		const head =
			url === "/ours"
				? '<script async src="/t.js" data-key="k"></script>'
				: url === "/segment"
					? '<script async src="/analytics.js"></script><script>window.addEventListener("load",()=>{})</script>'
					: "";
		response.writeHead(200, { "content-type": "text/html" });
		response.end(PAGE(head));
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	const browser = await launchChromium();
	const times: Record<string, number[]> = { none: [], ours: [], segment: [] };
	for (let i = 0; i < LOADS; i++)
		for (const kind of ["none", "ours", "segment"] as const) {
			const context = await browser.newContext();
			const page = await context.newPage();
			await page.goto(`${base}/${kind === "none" ? "" : kind}`, { waitUntil: "load" });
			await page.waitForTimeout(50); // the async script has run
			const ms = await page.evaluate(() => {
				const [nav] = performance.getEntriesByType("navigation") as PerformanceNavigationTiming[];
				return nav ? nav.loadEventEnd - nav.startTime : Number.NaN;
			});
			times[kind]?.push(ms);
			await context.close();
		}
	await browser.close();
	server.close();
	console.log("tracker bench: Chromium, loopback, a 7 KB page, same run");
	console.log(
		`size: Qualify's t.js ${kb(ours.length)} (${kb(gzipSync(ours, { level: 9 }).length)} gzip); analytics.js standalone ${kb(segment.length)} (${kb(gzipSync(segment, { level: 9 }).length)} gzip)`,
	);
	for (const kind of ["none", "ours", "segment"] as const) {
		const v = times[kind] ?? [];
		console.log(
			`page load (${kind}): median ${quantile(v, 0.5).toFixed(1)} ms, p90 ${quantile(v, 0.9).toFixed(1)} ms (${v.length} loads)`,
		);
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
