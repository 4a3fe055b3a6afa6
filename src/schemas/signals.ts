import { z } from "@hono/zod-openapi";
import { PERIOD_PRESETS } from "../domain/report-periods.js";
import { isTimeZone } from "../domain/traits.js";

const period = {
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
};
const hasPeriod = (q: { preset?: unknown; from?: unknown; to?: unknown }) =>
	q.preset !== undefined || (q.from !== undefined && q.to !== undefined);
const noPeriod = { message: "give a preset, or from and to", path: ["from"] };

export const SignalsQuery = z
	.object({ ...period, limit: z.coerce.number().int().min(1).max(1000).default(100) })
	.refine(hasPeriod, noPeriod);
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
	auc: z
		.number()
		.nullable()
		.openapi({ description: "how well the signal alone tells SQLs from the rest (0.5: not at all)" }),
	givesAway: z.boolean().openapi({
		description:
			"tells the outcome almost perfectly on its own (AUC ≥ 0.95), or (a trait value) was given to most of its SQL leads only once they were SQL: set after the outcome, as a rep's field is",
	}),
	points: z.number().nullable().openapi({
		description: "suggested points for a rule on this trait value or event: 10 for each doubling of the SQL rate",
	}),
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

/** A draft made from the signals of a period: their suggested points as rules. */
export const DraftFromSignals = z
	.object({
		...period,
		engagementAtLeast: z
			.number()
			.min(0)
			.max(1000)
			.default(30)
			.openapi({ description: "the draft's engagement threshold, to tune by a backtest's sweep" }),
	})
	.strict()
	.refine(hasPeriod, noPeriod)
	.openapi("DraftFromSignals");
export type DraftFromSignals = z.input<typeof DraftFromSignals>;
