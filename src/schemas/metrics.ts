import { z } from "@hono/zod-openapi";
import { PERIOD_PRESETS } from "../domain/report-periods.js";
import { isTimeZone } from "../domain/traits.js";

const Day = z.iso.date().openapi({ example: "2026-11-01" });
const Zone = z.string().refine(isTimeZone, { message: "not an IANA time zone such as Europe/Berlin" });

export const FunnelQuery = z
	.object({
		preset: z
			.enum(PERIOD_PRESETS)
			.optional()
			.openapi({ description: "a period up to today in `zone`, instead of from and to" }),
		from: Day.optional().openapi({ description: "first day of the period, in `zone`" }),
		to: Day.optional().openapi({ description: "last day of the period, included" }),
		zone: Zone.default("UTC"),
		interval: z.enum(["day", "week"]).optional().openapi({ description: "default: days up to 62 days, else weeks" }),
		segment: z.uuid().optional().openapi({ description: "only the leads in this segment or list now" }),
		account: z.uuid().optional().openapi({ description: "only the people of this company" }),
	})
	.refine((q) => q.preset !== undefined || q.from !== undefined, {
		message: "give a preset, or from and to",
		path: ["from"],
	})
	.refine((q) => q.preset !== undefined || q.to !== undefined, {
		message: "give a preset, or from and to",
		path: ["to"],
	})
	.refine((q) => !q.from || !q.to || q.from <= q.to, { message: "must not be before from", path: ["to"] })
	.refine((q) => !q.from || !q.to || Date.parse(q.to) - Date.parse(q.from) <= 3 * 366 * 86_400_000, {
		message: "the period may span at most three years",
		path: ["to"],
	});

const Rate = z.number().nullable();
const Change = z
	.object({
		previous: z.number(),
		change: Rate.openapi({ description: "(now − before) ÷ before; null if before is 0" }),
	})
	.openapi("Change");
const Cohort = z.string().openapi({ description: "what the figures count, in words" });

export const FunnelReport = z
	.object({
		period: z.object({
			preset: z.enum(PERIOD_PRESETS).nullable(),
			from: z.string(),
			to: z.string(),
			zone: z.string(),
			interval: z.enum(["day", "week"]),
			start: z.string().openapi({ description: "the first instant of the period" }),
			end: z.string().openapi({ description: "the first instant after it" }),
			previous: z
				.object({ from: z.string(), to: z.string(), start: z.string(), end: z.string() })
				.openapi({ description: "as many days, just before: what the changes compare with" }),
		}),
		cohorts: z.object({ leads: Cohort, mqls: Cohort, handoffs: Cohort, accepted: Cohort }),
		funnel: z.array(z.object({ step: z.string(), count: z.number(), fromPrevious: Rate, fromTop: Rate })),
		series: z
			.array(z.object({ bucket: z.string(), mqls: z.number(), sqls: z.number() }))
			.openapi({ description: "each lead once, in the bucket of its first MQL (or SQL) move in the period" }),
		mqlToSql: z.object({ mqls: z.number(), sqls: z.number(), rate: Rate }),
		handoffs: z.object({
			leads: z.number().openapi({ description: "leads handed to sales in the period" }),
			touched: z.number(),
			accepted: z.number(),
			rejected: z.number(),
			open: z.number(),
			breached: z.number(),
			speedToLeadMedian: z.number().nullable().openapi({ description: "seconds, handoff → first touch" }),
			speedToLeadP90: z.number().nullable(),
		}),
		changes: z.object({ leads: Change, mqls: Change, sqls: Change, handedOff: Change }),
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
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

export const HandoffMetricsQuery = z.object({
	by: z.enum(["owner", "team", "source"]).default("team"),
	from: z.iso.datetime({ offset: true }),
	to: z.iso.datetime({ offset: true }),
	segment: z.uuid().optional().openapi({ description: "only handoffs of leads in this segment or list now" }),
	account: z.uuid().optional().openapi({ description: "only handoffs of this company's people" }),
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

export const StageReportQuery = z
	.object({
		preset: z.enum(PERIOD_PRESETS).optional(),
		from: Day.optional(),
		to: Day.optional(),
		zone: Zone.default("UTC"),
		by: z
			.enum(["source", "campaign", "landingPage", "owner", "segment", "month", "all"])
			.default("all")
			.openapi({ description: "segment: each segment or list a lead is in now (a lead may count in several)" }),
	})
	.refine((q) => q.preset !== undefined || (q.from !== undefined && q.to !== undefined), {
		message: "give a preset, or from and to",
		path: ["from"],
	})
	.refine((q) => !q.from || !q.to || q.from <= q.to, { message: "must not be before from", path: ["to"] });

const Spread = z.object({
	p50: z.number().nullable().openapi({ description: "median, in days" }),
	p90: z.number().nullable().openapi({ description: "90th percentile, in days" }),
});

export const StageReport = z
	.object({
		period: z.object({ from: z.string(), to: z.string(), zone: z.string(), start: z.string(), end: z.string() }),
		cohort: z.string(),
		by: z.string(),
		steps: z.array(z.string()),
		groups: z.array(
			z.object({
				key: z.string(),
				leads: z.number().int(),
				reached: z.array(z.number().int()).openapi({ description: "leads that reached each step or beyond" }),
				leadToMql: Rate,
				mqlToSql: Rate,
				won: Rate.openapi({ description: "customers ÷ leads" }),
				days: z.object({ leadToMql: Spread, mqlToSql: Spread, firstSeenToCustomer: Spread }),
			}),
		),
	})
	.openapi("StageReport");
export type StageReport = z.infer<typeof StageReport>;

export const NotNowQuery = HandoffMetricsQuery.omit({ by: true });
export const NotNowReasons = z
	.object({
		data: z.array(
			z.object({
				reason: z.string().openapi({ description: "a rejection reason, in the words sales use" }),
				leads: z.number().int().openapi({ description: "leads whose latest survey answer in the period means it" }),
			}),
		),
	})
	.openapi("NotNowReasons");
export type NotNowReasons = z.infer<typeof NotNowReasons>;
