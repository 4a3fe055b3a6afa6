import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		include: ["src/**/*.test.ts", "test/**/*.test.ts"],
		globalSetup: ["test/support/global-setup.ts"],
		// Generous: the suite must pass on a machine whose cores are both busy with other work.
		testTimeout: 120_000,
		hookTimeout: 240_000,
		pool: "forks",
		maxWorkers: 2,
	},
});
