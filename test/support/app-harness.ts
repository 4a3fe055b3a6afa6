import { afterEach, beforeEach } from "vitest";
import { createApiKey } from "../../src/app/api-keys.js";
import { fixedClock } from "../../src/domain/clock.js";
import { createApp } from "../../src/http/app.js";
import type { Database } from "../../src/storage/database.js";
import type { Backend } from "./backends.js";
import { TEST_NOW } from "./clock.js";
import { keyCaller } from "./sessions.js";

/** A fresh store a test, the app on a clock fixed at TEST_NOW, and a caller with a secret key. */
export function appHarness(backend: Backend, options: { publicUrl?: string } = {}) {
	let database: Database;
	let app: ReturnType<typeof createApp>;
	let call: ReturnType<typeof keyCaller>;
	let key: string;
	const clock = fixedClock(TEST_NOW);
	beforeEach(async () => {
		clock.set(TEST_NOW);
		database = await backend.open();
		app = createApp({ db: database.db, clock, ...options });
		key = (await createApiKey(database.db, "secret", "test")).key;
		call = keyCaller(() => ({ app, key }));
	});
	afterEach(async () => database.close());
	return {
		clock,
		get db() {
			return database.db;
		},
		get app() {
			return app;
		},
		/** the secret key, for requests that are not JSON */
		get key() {
			return key;
		},
		call: (method: string, path: string, body?: unknown) => call(method, path, body),
	};
}
