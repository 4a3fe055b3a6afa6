import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { notNowReasons } from "../app/forms/not-now-reasons.js";
import { funnelReport } from "../app/funnel-report.js";
import { handoffMetrics } from "../app/handoff-metrics.js";
import { signalsReport } from "../app/signals-report.js";
import { stageReport } from "../app/stage-report.js";
import type { Clock } from "../domain/clock.js";
import {
	FunnelQuery,
	FunnelReport,
	HandoffMetrics,
	HandoffMetricsQuery,
	NotNowQuery,
	NotNowReasons,
	StageReport,
	StageReportQuery,
} from "../schemas/metrics.js";
import { SignalsQuery, SignalsReport } from "../schemas/signals.js";
import type { Db } from "../storage/database.js";
import { type AuthEnv, requireRole } from "./auth.js";
import { json, secretKey as security } from "./route-helpers.js";

export function registerMetricsRoutes(app: OpenAPIHono<AuthEnv>, db: Db, clock: Clock) {
	const readers = requireRole(db, { write: [] });
	app.use("/v1/metrics/*", readers);
	const tags = ["Metrics"];

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/metrics/funnel",
			tags,
			summary: "The funnel and its rates for a period",
			description:
				"Each figure for the cohort its card names: the funnel, sources and temperatures for the leads first seen in the period (a lead counts at every step up to the furthest it ever held); MQL → SQL and the series for the leads that became MQLs in it; speed to lead for the leads handed to sales in it; with the change against as many days just before. Every count is of leads, so it matches the lead list with the same filters.",
			security,
			request: { query: FunnelQuery },
			responses: { 200: json(FunnelReport, "The report") },
		}),
		async (c) => c.json(await funnelReport(db, c.req.valid("query"), clock.now()), 200),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/metrics/stages",
			tags,
			summary: "Stages reached and the time between them, by source, campaign, landing page, owner or month",
			description:
				"For the leads first seen in the period (the dashboard's cohort): how many reached each stage, the rate of each step, the won rate, and the median and 90th percentile days from first seen to MQL, MQL to SQL and first seen to customer.",
			security,
			request: { query: StageReportQuery },
			responses: { 200: json(StageReport, "One group per key") },
		}),
		async (c) => c.json(await stageReport(db, c.req.valid("query"), clock.now()), 200),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/metrics/signals",
			tags,
			summary: "Which signals convert",
			description:
				"For every rule of the active model, every category of a trait and every kind of event seen among the leads first seen in the period: how many leads showed it, their rate of reaching SQL and of winning against those that did not (the lift, with a 95% interval), and the median days from its first showing to SQL. Nothing after a lead's conversion counts. Strongest first, by the lower end of the interval.",
			security,
			request: { query: SignalsQuery },
			responses: { 200: json(SignalsReport, "The signals") },
		}),
		async (c) => c.json(await signalsReport(db, c.req.valid("query"), clock.now()), 200),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/metrics/handoffs",
			tags,
			summary: "Speed to lead and MQL → SQL acceptance",
			description: "By owner, team or source, for handoffs made in [from, to), with rejection reasons.",
			security,
			request: {
				query: HandoffMetricsQuery,
			},
			responses: { 200: json(HandoffMetrics, "One row per group") },
		}),
		async (c) => {
			const q = c.req.valid("query");
			return c.json(
				{
					data: await handoffMetrics(db, q.by, new Date(q.from), new Date(q.to), {
						segment: q.segment,
						account: q.account,
					}),
				},
				200,
			);
		},
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/metrics/not-now",
			tags,
			summary: "Why leads say not now",
			description:
				"What leads answered a survey's \"why not now\" question in [from, to), each answer as the rejection reason it means (the form says which): the leads' own side of why sales rejected MQLs.",
			security,
			request: { query: NotNowQuery },
			responses: { 200: json(NotNowReasons, "One row per reason, most first") },
		}),
		async (c) => {
			const q = c.req.valid("query");
			const scope = { segment: q.segment, account: q.account };
			return c.json({ data: await notNowReasons(db, new Date(q.from), new Date(q.to), scope) }, 200);
		},
	);
}
