import { z } from "@hono/zod-openapi";
import { PERIOD_PRESETS } from "../domain/report-periods.js";
import { isTimeZone } from "../domain/traits.js";

export const SignalsQuery = z
	.object({
		preset: z.enum(PERIOD_PRESETS).optional(),
		from: z.iso.date().optional(),
		to: z.iso.date().optional(),
		zone: z.string().refine(isTimeZone, { message: "not an IANA time zone such as Europe/Berlin" }).default("UTC"),
		minLeads: z.coerce
			.number()
			.int()
			.min(1)
			.max(100_000)
			.default(20)
			.openapi({ description: "signals seen on fewer leads are left out" }),
		limit: z.coerce.number().int().min(1).max(1000).default(100),
	})
	.refine((q) => q.preset !== undefined || (q.from !== undefined && q.to !== undefined), {
		message: "give a preset, or from and to",
		path: ["from"],
	});
export type SignalsQuery = z.output<typeof SignalsQuery>;

const Lift = z.object({
	rate: z.number().nullable().openapi({ description: "converted ÷ leads with the signal" }),
	baseline: z.number().nullable().openapi({ description: "converted ÷ leads without it" }),
	lift: z.number().nullable(),
	low: z.number().nullable().openapi({ description: "95% interval of the lift" }),
	high: z.number().nullable(),
});

export const Signal = z.object({
	kind: z.enum(["rule", "trait", "event"]),
	key: z.string(),
	label: z.string(),
	leads: z.number().int(),
	sql: Lift,
	won: Lift,
	daysBeforeSql: z.number().nullable().openapi({ description: "median days from its first showing to SQL" }),
});
export type Signal = z.infer<typeof Signal>;

export const SignalsReport = z
	.object({
		period: z.object({ from: z.string(), to: z.string(), zone: z.string(), start: z.string(), end: z.string() }),
		modelVersion: z.number().int(),
		leads: z.number().int(),
		sqlLeads: z.number().int(),
		wonLeads: z.number().int(),
		signals: z.array(Signal),
	})
	.openapi("SignalsReport");
export type SignalsReport = z.infer<typeof SignalsReport>;
