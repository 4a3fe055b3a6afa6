import { z } from "@hono/zod-openapi";
import { isTimeZone } from "../domain/traits.js";

const Day = z.iso.date().openapi({ example: "2026-11-01" });
const Zone = z.string().refine(isTimeZone, { message: "not an IANA time zone such as Europe/Berlin" });

export const FunnelQuery = z
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
export const FunnelReport = z
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
export type FunnelQuery = z.input<typeof FunnelQuery>;
export type FunnelReport = z.infer<typeof FunnelReport>;

export const HandoffMetricsQuery = z.object({
	by: z.enum(["owner", "team", "source"]).default("team"),
	from: z.iso.datetime({ offset: true }),
	to: z.iso.datetime({ offset: true }),
});

export const HandoffMetricsRow = z
	.object({
		key: z.string().nullable(),
		label: z.string().nullable(),
		handoffs: z.number().int(),
		touched: z.number().int(),
		accepted: z.number().int(),
		rejected: z.number().int(),
		acceptanceRate: z.number().nullable().openapi({ description: "accepted ÷ decided (accepted + rejected)" }),
		speedToLeadMedian: z.number().nullable().openapi({ description: "seconds, handoff → first touch" }),
		speedToLeadP90: z.number().nullable(),
		breached: z.number().int(),
		rejections: z.record(z.string(), z.number()).openapi({ description: "how many of each rejection reason" }),
	})
	.openapi("HandoffMetricsRow");
export type HandoffMetricsRow = z.infer<typeof HandoffMetricsRow>;
export const HandoffMetrics = z.object({ data: z.array(HandoffMetricsRow) }).openapi("HandoffMetrics");
export type HandoffMetrics = z.infer<typeof HandoffMetrics>;
