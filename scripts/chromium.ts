import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium, headless, with the flags this machine needs; for tests, benchmarks and screenshots. */
export function launchChromium(): Promise<Browser> {
	return chromium.launch({
		executablePath: "/usr/bin/chromium",
		args: [
			"--no-sandbox",
			"--disable-gpu",
			"--disable-background-networking",
			"--disable-component-update",
			"--disable-sync",
			"--no-first-run",
		],
	});
}
