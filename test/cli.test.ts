import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listUsers } from "../src/app/users.js";
import { readConfig } from "../src/cli/config.js";
import { openStore } from "../src/cli/open-store.js";
import { teamWithOwner } from "./support/sales-team.js";

const children: ChildProcess[] = [];
function qualify(args: string[], env: Record<string, string>) {
	// The built CLI (global setup builds it once), as a user runs it: no TypeScript compiled per test.
	const child = spawn(process.execPath, ["dist/cli/main.js", ...args], {
		env: { ...process.env, ...env, DATABASE_URL: "" },
		stdio: ["ignore", "pipe", "pipe"],
	});
	children.push(child);
	let output = "";
	child.stdout?.on("data", (d) => {
		output += d;
	});
	child.stderr?.on("data", (d) => {
		output += d;
	});
	const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
	const waitFor = async (pattern: RegExp) => {
		for (let i = 0; i < 1200 && !pattern.test(output); i++) await new Promise((r) => setTimeout(r, 100));
		return output;
	};
	return { child, exited, waitFor, output: () => output };
}
afterAll(() => {
	for (const child of children) child.kill("SIGKILL");
});

// A busy machine (both cores taken) slows a child process several times over: generous limits.
describe("qualify CLI", { timeout: 180_000 }, () => {
	it("prints help for every command", async () => {
		const help = qualify(["demo", "--help"], {});
		expect(await help.exited).toBe(0);
		expect(help.output()).toContain("--leads N");
		const unknown = qualify(["nope"], {});
		expect(await unknown.exited).toBe(2);
	});

	it("checks a CSV before import (writing nothing), then imports it once however often it is run", async () => {
		const dir = mkdtempSync(join(tmpdir(), "qualify-import-"));
		const file = join(dir, "leads.csv");
		const rows = Array.from({ length: 60 }, (_, i) => `L${i},l${i}@x.io,${i === 41 ? "lots" : i % 9},2024-01-15`);
		writeFileSync(file, `Lead ID,E-mail,Visits,Created\n${rows.join("\n")}\n`);
		const run = qualify(["import", "leads", file, "--dry-run", "--map", "Visits=trait:siteVisits"], {
			QUALIFY_DATA_DIR: dir,
		});
		expect(await run.exited).toBe(0);
		const out = run.output();
		expect(out).toMatch(/Lead ID\s+→ externalId/);
		expect(out).toMatch(/Visits\s+→ trait siteVisits\s+number/);
		expect(out).toMatch(/60 rows in [\d.]+ s: 59 would be imported, 1 turned away/);
		expect(out).toMatch(/line 43, Visits: "lots" is not a number/);
		expect(out).toMatch(/Dry run: nothing was written\./);
		expect(existsSync(join(dir, "pgdata"))).toBe(false); // the dry run opened no store
		// for real: the good rows go in, the bad one is named, and a second run changes nothing
		const real = qualify(["import", "leads", file], { QUALIFY_DATA_DIR: dir });
		expect(await real.exited).toBe(0);
		expect(real.output()).toMatch(/60 rows in [\d.]+ s: 59 lead records imported, 0 already there, 1 turned away/);
		expect(real.output()).toMatch(/The mapping is remembered/);
		const again = qualify(["import", "leads", file], { QUALIFY_DATA_DIR: dir });
		expect(await again.exited).toBe(0);
		expect(again.output()).toMatch(/0 lead records imported, 59 already there/);
	});

	it("serves on first run with new keys, locks its folder, and shuts down cleanly", async () => {
		const dataDir = mkdtempSync(join(tmpdir(), "qualify-cli-"));
		const port = String(20_000 + Math.floor(Math.random() * 20_000));
		const env = { QUALIFY_DATA_DIR: dataDir, PORT: port, HOST: "127.0.0.1" };
		const server = qualify(["serve"], env);
		await server.waitFor(/is serving/);
		const out = await server.waitFor(/SMTP_URL/);
		// e-mail not configured: said once, at start, not once per e-mail
		expect(out.match(/SMTP_URL/g)).toHaveLength(1);
		const writeKey = /write key:\s+(\S+)/.exec(out)?.[1];
		expect(writeKey).toMatch(/^qk_w_/);

		const response = await fetch(`http://127.0.0.1:${port}/v1/track`, {
			method: "POST",
			headers: {
				authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`,
				"content-type": "application/json",
			},
			body: JSON.stringify({ userId: "cli-1", event: "Signed Up" }),
		});
		expect(response.status).toBe(200);

		const second = qualify(["serve"], { ...env, PORT: String(Number(port) + 1) });
		expect(await second.exited).toBe(1);
		expect(second.output()).toContain(`in use by another Qualify process (pid ${server.child.pid})`);

		server.child.kill("SIGTERM");
		expect(await server.exited).toBe(0);
		expect(existsSync(join(dataDir, "qualify.lock"))).toBe(false);
	});

	it("serves before it asks about the demo, with someone at the terminal", async () => {
		const dataDir = mkdtempSync(join(tmpdir(), "qualify-cli-"));
		const port = String(20_000 + Math.floor(Math.random() * 20_000));
		// `script` gives the server a terminal, as a person starting it by hand has.
		const child = spawn("script", ["-qfec", `${process.execPath} dist/cli/main.js serve --no-worker`, "/dev/null"], {
			env: { ...process.env, DATABASE_URL: "", QUALIFY_DATA_DIR: dataDir, PORT: port, HOST: "127.0.0.1" },
			stdio: ["pipe", "pipe", "pipe"],
		});
		children.push(child);
		let output = "";
		child.stdout?.on("data", (d) => {
			output += d;
		});
		const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
		for (let i = 0; i < 1200 && !/Load a demo funnel/.test(output); i++) await new Promise((r) => setTimeout(r, 100));
		expect(output).toMatch(/is serving[\s\S]*Load a demo funnel of 2,000 leads now\?/);
		// the question is open, and the server already answers
		expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
		child.stdin?.write("n\n");
		await new Promise((r) => setTimeout(r, 500));
		expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
		child.stdin?.end(); // the terminal closes: the server is told to stop
		child.kill("SIGTERM");
		expect(await exited).not.toBe(null);
	});

	it("validates, drafts and publishes a model file, then rescores with progress and a summary", async () => {
		const dataDir = mkdtempSync(join(tmpdir(), "qualify-cli-"));
		const env = { QUALIFY_DATA_DIR: dataDir };
		const demo = qualify(["demo", "--leads", "40", "--seed", "3"], env);
		expect(await demo.exited).toBe(0);

		const bad = join(dataDir, "bad.json");
		writeFileSync(bad, JSON.stringify({ name: "x", bands: {}, qualification: {} }));
		const check = qualify(["models", "validate", bad], env);
		expect(await check.exited).toBe(1);
		expect(check.output()).toMatch(/bands\.grade: /);

		const schema = qualify(["models", "schema"], env);
		expect(await schema.exited).toBe(0);
		const good = join(dataDir, "good.json");
		writeFileSync(
			good,
			JSON.stringify({
				$schema: JSON.parse(schema.output()).$id,
				name: "Only demos",
				bands: { grade: { A: 30, B: 20, C: 10 }, temperature: { hot: 30, warm: 10 } },
				qualification: { fitAtLeast: 0, engagementAtLeast: 30 },
				engagement: [{ kind: "event", id: "demo", reason: "asked", when: { event: "Demo Requested" }, points: 30 }],
			}),
		);
		const draft = qualify(["models", "draft", good], env);
		expect(await draft.exited).toBe(0);
		const id = /Saved draft (\S+)/.exec(draft.output())?.[1] ?? "";
		const publish = qualify(["models", "publish", id], env);
		expect(await publish.exited).toBe(0);
		expect(publish.output()).toContain("as version 2");

		const rescore = qualify(["rescore", "--chunk", "7"], env);
		expect(await rescore.exited).toBe(0);
		expect(rescore.output()).toMatch(/rescoring: \d+ \/ \d+ leads/);
		expect(rescore.output()).toMatch(/Rescored \d+ leads from \d+ events under model version 2/);
		expect(rescore.output()).toMatch(/qualified: +[1-9]/);
	});

	it("creates a user from the command line with the password from the environment", async () => {
		const dataDir = mkdtempSync(join(tmpdir(), "qualify-cli-"));
		const weak = qualify(["users", "create", "--email", "a@b.io", "--name", "A", "--role", "admin"], {
			QUALIFY_DATA_DIR: dataDir,
			QUALIFY_PASSWORD: "short",
		});
		expect(await weak.exited).not.toBe(0);
		expect(weak.output()).toMatch(/at least 10 characters/);
		const env = { QUALIFY_DATA_DIR: dataDir, QUALIFY_PASSWORD: "a long enough password" };
		const made = qualify(["users", "create", "--email", "a@b.io", "--name", "A", "--role", "admin"], env);
		expect(await made.exited).toBe(0);
		const list = qualify(["users", "list"], env);
		expect(await list.exited).toBe(0);
		expect(list.output()).toMatch(/admin\s+a@b\.io\s+A/);
		const args = ["users", "create", "--email", "rep@b.io", "--name", "Rep", "--role", "sales", "--owner"];
		const noOwner = qualify([...args, "rep@owners.io"], env);
		expect(await noOwner.exited).not.toBe(0);
		expect(noOwner.output()).toMatch(/--owner: no sales owner rep@owners\.io/);
		const store = await openStore(readConfig({ QUALIFY_DATA_DIR: dataDir }));
		const owner = await teamWithOwner(store.db, { name: "Rep", email: "rep@owners.io" });
		await store.close();
		const linked = qualify([...args, "REP@owners.io"], env);
		expect(await linked.exited).toBe(0);
		expect(linked.output()).toMatch(/their queue is owner REP@owners\.io's/);
		const reopened = await openStore(readConfig({ QUALIFY_DATA_DIR: dataDir }));
		const users = await listUsers(reopened.db);
		await reopened.close();
		expect(users.find((u) => u.email === "rep@b.io")?.ownerId).toBe(owner?.id);
	});
});
