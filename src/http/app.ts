import { BlockList } from "node:net";
import { serveStatic } from "@hono/node-server/serve-static";
import { OpenAPIHono } from "@hono/zod-openapi";
import { compress } from "hono/compress";
import type { Logger } from "pino";
import { systemClock } from "../app/system-clock.js";
import type { Clock } from "../domain/clock.js";
import { AppError } from "../domain/errors.js";
import type { Db } from "../storage/database.js";
import { registerAccountRoutes } from "./account-routes.js";
import { registerAdSourceRoutes } from "./ad-source-routes.js";
import { registerApiKeyRoutes } from "./api-key-routes.js";
import { renderApiReference } from "./api-reference.js";
import type { AuthEnv } from "./auth.js";
import { registerEmailLinkRoutes } from "./email-link-routes.js";
import { problemsOf, respondToError } from "./errors.js";
import { registerFormRoutes } from "./form-routes.js";
import type { Listen } from "./handoff-stream.js";
import { registerImportRoutes } from "./import-routes.js";
import { registerIngestRoutes } from "./ingest-routes.js";
import { registerLeadRoutes } from "./lead-routes.js";
import { registerMetricsRoutes } from "./metrics-routes.js";
import { registerNurtureRoutes } from "./nurture-routes.js";
import { registerOutcomeRoutes } from "./outcome-routes.js";
import { registerSalesRoutes } from "./sales-routes.js";
import { registerScoringModelRoutes } from "./scoring-model-routes.js";
import { registerSegmentRoutes } from "./segment-routes.js";
import { registerSessionRoutes } from "./session-routes.js";
import { registerSetupRoutes } from "./setup-routes.js";
import { registerWebhookRoutes } from "./webhook-routes.js";
import { registerWebinarRoutes } from "./webinar-routes.js";

export interface AppDeps {
	db: Db;
	logger?: Logger;
	version?: string;
	/** the built web app (web/dist), served at / with the API beside it */
	webRoot?: string;
	/** NOTIFY subscriptions, for the sales queue's server-sent events; without it queues poll */
	listen?: Listen;
	/** aborted when the server stops: open event streams end */
	shutdown?: AbortSignal;
	/** behind a reverse proxy: the client address is the last one in X-Forwarded-For */
	trustProxy?: boolean;
	/** the one clock: ingest, scoring and reports read it (the machine's unless a test fixes it) */
	clock?: Clock;
	/** events before this are refused at ingest (default: the year 2000) */
	oldestEvent?: Date;
	/** private networks webhooks may reach all the same (QUALIFY_WEBHOOK_ALLOW) */
	webhookAllow?: BlockList;
	/** where people reach Qualify (QUALIFY_PUBLIC_URL): hosted forms' addresses */
	publicUrl?: string;
	/** the PostgreSQL server's address: a backtest replays in worker threads with connections of their own */
	databaseUrl?: string;
}

const staticCompression = compress();

/** The whole HTTP API; tests call it through `app.request()`, `serve` puts it on a port. */
export function createApp({
	db,
	logger,
	version = "0.1.0",
	webRoot,
	listen,
	shutdown,
	trustProxy,
	clock = systemClock,
	oldestEvent,
	webhookAllow = new BlockList(),
	publicUrl = "http://localhost:8080",
	databaseUrl,
}: AppDeps) {
	const app = new OpenAPIHono<AuthEnv>({
		defaultHook: (result) => {
			if (!result.success) {
				throw new AppError("validation_failed", "The request is not valid.", problemsOf(result.error.issues));
			}
		},
	});
	app.onError((error, c) =>
		respondToError(error, c, (e) => logger?.error({ err: e, path: c.req.path }, "request failed")),
	);
	app.notFound((c) =>
		c.json({ error: { code: "not_found", message: `No route ${c.req.method} ${c.req.path}.` } }, 404),
	);

	app.openAPIRegistry.registerComponent("securitySchemes", "basic", {
		type: "http",
		scheme: "basic",
		description: "A write key (or secret key) as the user name, no password: what Segment's libraries send.",
	});
	app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
		type: "http",
		scheme: "bearer",
		description: "A secret key.",
	});

	app.get("/health", async (c) => c.json({ ok: true, version }));
	registerIngestRoutes(app, db, { clock, oldestEvent, logger, trustProxy: trustProxy ?? false });
	registerSessionRoutes(app, db, { trustProxy: trustProxy ?? false });
	registerSetupRoutes(app, db, clock);
	registerLeadRoutes(app, db, clock);
	registerScoringModelRoutes(app, db, clock, databaseUrl);
	registerWebhookRoutes(app, db, { allowed: webhookAllow, clock });
	registerSalesRoutes(app, db, { listen, shutdown, clock });
	registerMetricsRoutes(app, db, clock);
	registerSegmentRoutes(app, db, clock);
	registerAccountRoutes(app, db, clock);
	registerOutcomeRoutes(app, db, clock);
	registerImportRoutes(app, db, clock);
	registerApiKeyRoutes(app, db);
	registerNurtureRoutes(app, db, clock);
	registerEmailLinkRoutes(app, db, clock);
	registerFormRoutes(app, db, { clock, publicUrl, trustProxy: trustProxy ?? false });
	registerAdSourceRoutes(app, db, { clock, publicUrl });
	registerWebinarRoutes(app, db, { clock, publicUrl });

	const document = () =>
		app.getOpenAPI31Document({
			openapi: "3.1.0",
			info: {
				title: "Qualify API",
				version,
				description:
					"Capture events (Segment-compatible), read and manage leads, and score them with versioned, explainable models.",
			},
		});
	app.get("/openapi.json", (c) => c.json(document()));
	app.get("/docs", (c) => c.html(renderApiReference(document())));
	if (webRoot) {
		// The built app's files go compressed; those Vite names by their content are cached for a
		// year, the page itself is asked for again each time so that a release is seen at once.
		app.use("*", async (c, next) => {
			if (c.req.path.startsWith("/v1/")) return next();
			await next();
			const hashed = c.req.path.startsWith("/assets/") && c.res.status === 200;
			c.header("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
		});
		app.use("*", (c, next) => (c.req.path.startsWith("/v1/") ? next() : staticCompression(c, next)));
		// Files of the built app; any other page path gets index.html (the app routes itself).
		const files = serveStatic({ root: webRoot });
		const page = serveStatic({ root: webRoot, path: "index.html" });
		app.get("*", (c, next) => (c.req.path.startsWith("/v1/") ? next() : files(c, next)));
		app.get("*", (c, next) => (c.req.path.startsWith("/v1/") ? next() : page(c, next)));
	}
	return app;
}
