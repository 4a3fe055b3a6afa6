import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const files = (dir: string): string[] =>
	readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
		e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
	);

describe("the web app's contract with the server", () => {
	const sources = files("web/src").map((file) => ({ file, text: readFileSync(file, "utf8") }));

	it("imports nothing from the server but types from src/schemas", () => {
		const imports = sources.flatMap(({ file, text }) =>
			[...text.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gms)]
				.filter((m) => (m[3] ?? "").includes("/src/"))
				.map((m) => ({ file, typeOnly: Boolean(m[2]), from: m[3] ?? "" })),
		);
		expect(imports.length).toBeGreaterThan(10);
		for (const i of imports) {
			expect(i.from, `${i.file} imports ${i.from}`).toMatch(/\/src\/schemas\/[a-z-]+$/);
			expect(i.typeOnly, `${i.file} must import type-only from ${i.from}`).toBe(true);
		}
	});

	it("calls the API only through the typed client", () => {
		for (const { file, text } of sources) {
			if (file.endsWith("api.ts")) continue;
			expect(text, `${file} calls fetch itself`).not.toMatch(/\bfetch\(/);
		}
	});
});
