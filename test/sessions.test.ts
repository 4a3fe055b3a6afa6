import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../src/app/api-keys.js";
import { createUser } from "../src/app/users.js";
import { DEFAULT_MODEL } from "../src/domain/scoring/default-model.js";
import { createApp } from "../src/http/app.js";
import type { Database } from "../src/storage/database.js";
import { backends } from "./support/backends.js";
import { testClock } from "./support/clock.js";
import { sessions } from "./support/sessions.js";

describe.each(backends())("users, sessions and roles on $name", (backend) => {
	let database: Database;
	let app: ReturnType<typeof createApp>;
	let adminKey: string;

	const signIn = (email: string, password: string) => sessions(app).signIn(email, password);
	const as = (...args: Parameters<ReturnType<typeof sessions>["as"]>) => sessions(app).as(...args);

	beforeAll(async () => {
		database = await backend.open();
		app = createApp({ db: database.db, clock: testClock() });
		adminKey = (await createApiKey(database.db, "secret", "admin")).key;
	});
	afterAll(async () => database.close());

	it("sets up the first admin only with the admin key, and only once", async () => {
		const setup = (key?: string) =>
			app.request("/v1/setup", {
				method: "POST",
				headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
				body: JSON.stringify({
					email: "Ada@Example.com",
					name: "Ada",
					role: "sales",
					password: "correct horse battery",
				}),
			});
		expect((await setup()).status).toBe(401);
		const first = await setup(adminKey);
		expect(first.status).toBe(201);
		expect(await first.json()).toMatchObject({ email: "ada@example.com", role: "admin" });
		expect((await setup(adminKey)).status).toBe(409);
	});

	it("signs in with an httpOnly SameSite cookie, refuses a wrong password alike, and signs out", async () => {
		const wrong = await signIn("ada@example.com", "not the password");
		const unknown = await signIn("nobody@example.com", "not the password");
		expect([wrong.status, unknown.status]).toEqual([401, 401]);
		const session = await signIn("ADA@example.com", "correct horse battery");
		expect(session.status).toBe(200);
		expect(session.cookie).toMatch(/qualify_session=[\w-]{40,}/);
		expect(session.cookie).toMatch(/HttpOnly/);
		expect(session.cookie).toMatch(/SameSite=Lax/);
		const me = await as(session, "GET", "/v1/session");
		expect(await me.json()).toMatchObject({ user: { role: "admin" }, csrfToken: session.csrf });
		expect((await as(session, "DELETE", "/v1/session")).status).toBe(204);
		expect((await as(session, "GET", "/v1/session")).status).toBe(401);
	});

	it("refuses a change carried by the cookie alone (CSRF)", async () => {
		const session = await signIn("ada@example.com", "correct horse battery");
		const draft = { document: { ...DEFAULT_MODEL, name: "csrf test" } };
		expect((await as(session, "POST", "/v1/scoring-models", draft, "")).status).toBe(403);
		expect((await as(session, "POST", "/v1/scoring-models", draft, "forged")).status).toBe(403);
		expect((await as(session, "POST", "/v1/scoring-models", draft)).status).toBe(201);
	});

	it("enforces roles in the API: sales cannot edit models or webhooks, marketing cannot work the sales queue", async () => {
		await createUser(database.db, { email: "sam@sales.io", name: "Sam", role: "sales", password: "sales password 1" });
		await createUser(database.db, { email: "mo@mkt.io", name: "Mo", role: "marketing", password: "marketing pass 1" });
		const sales = await signIn("sam@sales.io", "sales password 1");
		const marketing = await signIn("mo@mkt.io", "marketing pass 1");
		const draft = { document: { ...DEFAULT_MODEL, name: "by sales" } };
		expect((await as(sales, "GET", "/v1/scoring-models")).status).toBe(200);
		expect((await as(sales, "POST", "/v1/scoring-models", draft)).status).toBe(403);
		expect((await as(sales, "GET", "/v1/webhooks")).status).toBe(403);
		expect((await as(sales, "GET", "/v1/handoffs")).status).toBe(200);
		expect((await as(marketing, "POST", "/v1/scoring-models", draft)).status).toBe(201);
		expect((await as(marketing, "POST", "/v1/handoffs/00000000-0000-0000-0000-000000000000/accept")).status).toBe(403);
		expect((await as(marketing, "GET", "/v1/users")).status).toBe(403);
		const weak = await app.request("/v1/users", {
			method: "POST",
			headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
			body: JSON.stringify({ email: "x@y.io", name: "X", role: "sales", password: "short" }),
		});
		expect(weak.status).toBe(400);
		expect((await weak.json()).error.problems[0].field).toBe("password");
	});

	it("lets an admin manage API keys and users from a session, and keeps the last admin", async () => {
		const admin = await signIn("ada@example.com", "correct horse battery");
		const marketing = await signIn("mo@mkt.io", "marketing pass 1");
		const created = await as(admin, "POST", "/v1/api-keys", { kind: "write", name: "website" });
		expect(created.status).toBe(201);
		const { id, key, prefix } = await created.json();
		expect(key.startsWith(prefix)).toBe(true);
		const listed = await (await as(admin, "GET", "/v1/api-keys")).json();
		expect(listed.data.find((k: { id: string }) => k.id === id)).not.toHaveProperty("key");
		const send = () =>
			app.request("/v1/track", {
				method: "POST",
				headers: {
					authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}`,
					"content-type": "application/json",
				},
				body: JSON.stringify({ userId: "k1", event: "Signed Up" }),
			});
		expect((await send()).status).toBe(200);
		expect((await as(admin, "DELETE", `/v1/api-keys/${id}`)).status).toBe(204);
		expect((await send()).status).toBe(401);
		expect((await as(admin, "DELETE", `/v1/api-keys/${id}`)).status).toBe(404);
		expect((await as(marketing, "GET", "/v1/api-keys")).status).toBe(403);
		expect((await as(admin, "POST", "/v1/api-keys", { kind: "root", name: "" })).status).toBe(400);

		const users = (await (await as(admin, "GET", "/v1/users")).json()).data as Array<{ id: string; email: string }>;
		const ada = users.find((u) => u.email === "ada@example.com")?.id;
		const mo = users.find((u) => u.email === "mo@mkt.io")?.id;
		const demote = await as(admin, "PATCH", `/v1/users/${ada}`, { role: "sales" });
		expect(demote.status).toBe(409);
		expect((await as(admin, "DELETE", `/v1/users/${ada}`)).status).toBe(409);
		const promoted = await as(admin, "PATCH", `/v1/users/${mo}`, { role: "admin", name: "Mo <b>" });
		expect(await promoted.json()).toMatchObject({ role: "admin", name: "Mo <b>" });
		expect((await as(marketing, "GET", "/v1/api-keys")).status).toBe(200); // the role is read on every request
		expect((await as(admin, "PATCH", `/v1/users/${ada}`, { role: "marketing" })).status).toBe(200);
		expect((await as(admin, "GET", "/v1/users")).status).toBe(403);
	});

	it("slows down password guessing: five failures lock the e-mail out for a while, a success clears them", async () => {
		await createUser(database.db, { email: "tim@mkt.io", name: "Tim", role: "marketing", password: "tims password 1" });
		for (let i = 0; i < 4; i++) expect((await signIn("tim@mkt.io", `guess ${i}`)).status).toBe(401);
		expect((await signIn("tim@mkt.io", "tims password 1")).status).toBe(200); // a person mistyping is not stopped
		for (let i = 0; i < 5; i++) expect((await signIn("Tim@mkt.io", `guess ${i}`)).status).toBe(401);
		const locked = await app.request("/v1/session", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ email: "tim@mkt.io", password: "tims password 1" }),
		});
		expect(locked.status).toBe(429);
		expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(800);
		expect((await locked.json()).error.message).toMatch(/Too many failed sign-ins: try again in 15 minutes/);
		expect((await signIn("mo@mkt.io", "marketing pass 1")).status).toBe(200); // other accounts are not affected
	});

	it("limits failures from one client address across accounts, read behind a trusted proxy", async () => {
		const proxied = createApp({ db: database.db, trustProxy: true });
		const attempt = (email: string, forwardedFor: string) =>
			proxied.request("/v1/session", {
				method: "POST",
				headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
				body: JSON.stringify({ email, password: "spray password 1" }),
			});
		for (let i = 0; i < 30; i++)
			expect((await attempt(`victim${i}@corp.io`, "10.9.9.9, 203.0.113.7")).status).toBe(401);
		expect((await attempt("victim99@corp.io", "203.0.113.7")).status).toBe(429);
		// the address a client writes first is not believed; the proxy's last entry is
		expect((await attempt("victim99@corp.io", "203.0.113.7, 198.51.100.4")).status).toBe(401);
	});
});
