import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { funnelReport } from "../app/funnel-report.js";
import { handoffMetrics } from "../app/handoff-metrics.js";
import { isTimeZone } from "../domain/traits.js";
import type { Db } from "../storage/database.js";
import { type AuthEnv, requireRole } from "./auth.js";
import { json, secretKey as security } from "./route-helpers.js";

const Day = z.iso.date().openapi({ example: "2026-11-01" });
const Zone = z.string().refine(isTimeZone, { message: "not an IANA time zone such as Europe/Berlin" });

const FunnelQuery = z
	.object({
		from: Day.openapi({ description: "first day of the period, in `zone`" }),
		to: Day.openapi({ description: "last day of the period, included" }),
		zone: Zone.default("UTC"),
		interval: z.enum(["day", "week"]).optional().openapi({ description: "default: days up to 62 days, else weeks" }),
	})
	.refine((q) => q.from <= q.to, { message: "must not be before from", path: ["to"] })
	.refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 3 * 366 * 86_400_000, {
		message: "the period may span at most three years",
		path: ["to"],
	});

const Rate = z.number().nullable();
const FunnelReport = z
	.object({
		period: z.object({
			from: z.string(),
			to: z.string(),
			zone: z.string(),
			interval: z.enum(["day", "week"]),
			start: z.string(),
			end: z.string(),
		}),
		funnel: z.array(z.object({ step: z.string(), count: z.number(), fromPrevious: Rate, fromTop: Rate })),
		series: z.array(z.object({ bucket: z.string(), mqls: z.number(), sqls: z.number() })),
		mqlToSql: z.object({ mqls: z.number(), sqls: z.number(), rate: Rate }),
		handoffs: z.object({
			handoffs: z.number(),
			touched: z.number(),
			speedToLeadMedian: z.number().nullable().openapi({ description: "seconds, MQL assignment → first touch" }),
			speedToLeadP90: z.number().nullable(),
			acceptanceRate: Rate,
			breached: z.number(),
		}),
		sources: z.array(
			z.object({
				source: z.string(),
				leads: z.number(),
				mqls: z.number(),
				sqls: z.number(),
				customers: z.number(),
				leadToMql: Rate,
				mqlToSql: Rate,
			}),
		),
		temperatures: z.object({ hot: z.number(), warm: z.number(), cold: z.number(), unscored: z.number() }),
		steps: z.array(z.string()),
	})
	.openapi("FunnelReport");

export function registerMetricsRoutes(app: OpenAPIHono<AuthEnv>, db: Db) {
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
				"For the leads first seen in the period: how many reached each stage (a lead counts at every step up to the furthest it ever held), MQLs and SQLs per day or week, MQL → SQL for the MQLs made in the period, speed to lead, the top sources and the temperatures under the active model.",
			security,
			request: { query: FunnelQuery },
			responses: { 200: json(FunnelReport, "The report") },
		}),
		async (c) => c.json(await funnelReport(db, c.req.valid("query")), 200),
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
				query: z.object({
					by: z.enum(["owner", "team", "source"]).default("team"),
					from: z.iso.datetime({ offset: true }),
					to: z.iso.datetime({ offset: true }),
				}),
			},
			responses: { 200: json(z.object({ data: z.array(z.record(z.string(), z.unknown())) }), "One row per group") },
		}),
		async (c) => {
			const q = c.req.valid("query");
			return c.json({ data: await handoffMetrics(db, q.by, new Date(q.from), new Date(q.to)) }, 200);
		},
	);
}
