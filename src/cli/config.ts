import { resolve } from "node:path";

export interface Config {
	databaseUrl: string | null;
	dataDir: string;
	port: number;
	host: string;
	logLevel: string;
}

/** Settings from the environment; one place reads them. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const port = Number.parseInt(env.PORT ?? "8080", 10);
	if (!Number.isInteger(port) || port < 0 || port > 65535)
		throw new Error(`PORT must be a port number, not "${env.PORT}"`);
	return {
		databaseUrl: env.DATABASE_URL || null,
		dataDir: resolve(env.QUALIFY_DATA_DIR ?? ".qualify"),
		port,
		host: env.HOST ?? "0.0.0.0",
		logLevel: env.LOG_LEVEL ?? "info",
	};
}
