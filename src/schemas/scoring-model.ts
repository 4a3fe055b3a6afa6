import { z } from "@hono/zod-openapi";
import { Name } from "./users.js";

const id = z
	.string()
	.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "use lower-case letters, digits and dashes (at most 63)")
	.openapi({ description: "stable id of the rule, shown in explanations" });
const reason = z.string().min(1, "say why this rule exists").max(500);
const points = z.number().finite().min(-1000).max(1000);
const days = z.number().positive().max(3650);

export const ConditionOp = z.enum([
	"equals",
	"notEquals",
	"in",
	"notIn",
	"contains",
	"startsWith",
	"endsWith",
	"matches",
	"gt",
	"gte",
	"lt",
	"lte",
	"between",
	"exists",
	"missing",
	"isFreeMail",
	"inList",
]);
export type ConditionOp = z.infer<typeof ConditionOp>;

/**
 * One test on a field. Fit rules read the lead: `email`, `emailDomain`, `consent`, `stage`
 * or any trait (`title`, `companySize`, a custom trait). Engagement rules read the event:
 * `event`, `type`, `name`, `path`, `url`, `referrer`, `device`, `localHour`, `weekday`,
 * `properties.<key>`, `context.<key>`, `campaign.<key>`.
 */
export const FieldCondition = z
	.object({
		field: z.string().min(1).max(200),
		op: ConditionOp,
		value: z.unknown().optional().openapi({
			description:
				"string or number for equals/contains/startsWith/endsWith/gt…; a list for in/notIn; [min, max] for between; a regular expression for matches; a list name for inList",
		}),
		caseSensitive: z.boolean().optional(),
	})
	.strict()
	.openapi("FieldCondition");
export type FieldCondition = z.infer<typeof FieldCondition>;

export type Condition = FieldCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition };
export const Condition: z.ZodType<Condition, Condition> = z
	.lazy(() =>
		z.union([
			FieldCondition,
			z.object({ all: z.array(Condition).min(1) }).strict(),
			z.object({ any: z.array(Condition).min(1) }).strict(),
			z.object({ not: Condition }).strict(),
		]),
	)
	.openapi("Condition");

export const EventType = z.enum(["track", "page", "screen", "identify", "group", "alias"]);

/** Which events a rule counts: by name and/or type, then conditions on the event. */
export const EventMatch = z
	.object({
		event: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
		type: z.union([EventType, z.array(EventType).min(1)]).optional(),
		where: Condition.optional(),
	})
	.strict()
	.refine((m) => m.event !== undefined || m.type !== undefined || m.where !== undefined, {
		message: "name an event, a type or a condition",
	});
export type EventMatch = z.infer<typeof EventMatch>;

export const Cap = z.enum(["none", "ever", "day", "week"]).openapi({
	description: "how often the rule counts: every time, once ever, once per UTC day, once per ISO week",
});
export type Cap = z.infer<typeof Cap>;

const counted = {
	id,
	reason,
	points,
	cap: Cap.default("none"),
	halfLifeDays: days.nullable().default(null).openapi({ description: "points halve every N days; null: no decay" }),
	windowDays: days.nullable().default(null).openapi({ description: "only events in the last N days count" }),
};

export const EngagementRule = z.discriminatedUnion("kind", [
	z.object({ kind: z.literal("event"), when: EventMatch, ...counted }).strict(),
	z
		.object({
			kind: z.literal("count"),
			when: EventMatch,
			atLeast: z.number().int().min(2).max(1000),
			withinDays: days,
			...counted,
		})
		.strict(),
	z
		.object({ kind: z.literal("sequence"), steps: z.array(EventMatch).min(2).max(5), withinDays: days, ...counted })
		.strict(),
	z.object({ kind: z.literal("inactivity"), id, reason, points, days }).strict(),
]);
export type EngagementRule = z.infer<typeof EngagementRule>;

export const FitRule = z.object({ id, reason, if: Condition, points }).strict();
export type FitRule = z.infer<typeof FitRule>;

export const Grade = z.enum(["A", "B", "C", "D"]);
export type Grade = z.infer<typeof Grade>;
export const Temperature = z.enum(["cold", "warm", "hot"]);
export type Temperature = z.infer<typeof Temperature>;

export const Bands = z
	.object({
		grade: z.object({ A: z.number(), B: z.number(), C: z.number() }).strict(),
		temperature: z.object({ hot: z.number(), warm: z.number() }).strict(),
	})
	.strict();

const chanceAtLeast = z.number().min(0).max(1).optional().openapi({
	description:
		"and the predictive score's chance of reaching SQL is at least this (0 to 1); leads it has not scored yet are judged by the rest alone",
});

export const Qualification = z.union([
	z
		.object({ fitAtLeast: z.number(), engagementAtLeast: z.number(), chanceAtLeast })
		.strict()
		.openapi({ description: "MQL when both thresholds are met" }),
	z
		.object({
			matrix: z
				.object({
					A: Temperature.nullable(),
					B: Temperature.nullable(),
					C: Temperature.nullable(),
					D: Temperature.nullable(),
				})
				.strict(),
			chanceAtLeast,
		})
		.strict()
		.openapi({ description: "MQL when the lead is at least this warm for its grade; null: never" }),
]);
export type Qualification = z.infer<typeof Qualification>;

export const ScoringModelDocument = z
	.object({
		name: Name(120),
		description: z.string().max(4000).default(""),
		lists: z
			.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/), z.array(z.string().min(1).max(253)).max(100_000))
			.default({})
			.openapi({ description: "named lists for inList: domains or company names (competitors, namedAccounts…)" }),
		fit: z.array(FitRule).max(500).default([]),
		engagement: z.array(EngagementRule).max(500).default([]),
		bands: Bands,
		qualification: Qualification,
		handRaisers: z
			.array(z.object({ id, reason, when: EventMatch }).strict())
			.max(100)
			.default([]),
		disqualifiers: z
			.array(z.object({ id, reason, if: Condition }).strict())
			.max(100)
			.default([]),
	})
	.strict()
	.openapi("ScoringModelDocument");
export type ScoringModelDocument = z.infer<typeof ScoringModelDocument>;
export type ScoringModelInput = z.input<typeof ScoringModelDocument>;

export const ModelStatus = z.enum(["draft", "published", "archived"]);

export const ScoringModel = z
	.object({
		id: z.uuid(),
		name: z.string(),
		status: ModelStatus,
		version: z.number().int().nullable().openapi({ description: "set when published; scores record it" }),
		active: z.boolean().openapi({ description: "the published model with the highest version scores new events" }),
		basedOn: z.uuid().nullable(),
		createdAt: z.string(),
		updatedAt: z.string(),
		publishedAt: z.string().nullable(),
		publishedBy: z.string().nullable().openapi({ description: "who published it: a person's name, or the key" }),
		archivedAt: z.string().nullable(),
	})
	.openapi("ScoringModel");
export type ScoringModel = z.infer<typeof ScoringModel>;

export const ScoringModelWithDocument = ScoringModel.extend({ document: ScoringModelDocument }).openapi(
	"ScoringModelWithDocument",
);
export type ScoringModelWithDocument = z.infer<typeof ScoringModelWithDocument>;

export const ScoringModelCreate = z
	.object({
		document: z.unknown().optional().openapi({ description: "a ScoringModelDocument; omit it to copy basedOn" }),
		basedOn: z.uuid().optional().openapi({ description: "the model this draft starts from" }),
	})
	.strict()
	.openapi("ScoringModelCreate");

export const ValidationReport = z
	.object({
		valid: z.boolean(),
		problems: z.array(z.object({ field: z.string(), message: z.string() })),
	})
	.openapi("ValidationReport");

const CountedEvent = z.object({
	messageId: z.string(),
	at: z.string(),
	type: z.string().nullable(),
	event: z.string().nullable().openapi({ description: "the track event's name, or the page's path" }),
	points: z.number().openapi({ description: "the rule's points when it happened" }),
	pointsNow: z.number().openapi({ description: "what they are worth at the moment of the score, after decay" }),
});

const RuleContribution = z.object({
	id: z.string(),
	kind: z.enum(["fit", "event", "count", "sequence", "inactivity"]),
	reason: z.string(),
	points: z.number(),
	pointsNow: z.number(),
	eventCount: z.number().int(),
	events: z.array(CountedEvent).openapi({ description: "the most recent 50 events behind the rule" }),
});

export const LeadScore = z
	.object({
		leadId: z.uuid(),
		modelId: z.uuid(),
		modelVersion: z.number().int(),
		at: z.string().openapi({ description: "the moment the score is as of" }),
		fit: z.number(),
		engagement: z.number(),
		grade: Grade,
		temperature: Temperature,
		qualification: z.object({
			qualified: z.boolean(),
			by: z.enum(["hand-raiser", "threshold", "matrix"]).nullable(),
			reason: z.string(),
			handRaisedAt: z.string().nullable(),
			disqualifiedBy: z.array(z.object({ id: z.string(), reason: z.string() })),
		}),
		fitRules: z.array(RuleContribution),
		engagementRules: z.array(RuleContribution),
	})
	.openapi("LeadScore");
export type LeadScore = z.infer<typeof LeadScore>;

export const LeadScoreQuery = z.object({
	at: z.iso
		.datetime({ offset: true })
		.optional()
		.openapi({ description: "score as of this moment (default: now); fit reads the current profile" }),
	version: z.coerce.number().int().positive().optional().openapi({ description: "model version (default: active)" }),
});

export const PublishedScoringModel = ScoringModelWithDocument.extend({
	rescoreJobId: z.number().int().openapi({ description: "the queued rescore of every lead" }),
}).openapi("PublishedScoringModel");
export type PublishedScoringModel = z.infer<typeof PublishedScoringModel>;

export const MODEL_SECTIONS = ["fit", "engagement", "bands", "qualification", "hand-raiser", "disqualifier"] as const;
export const ModelSentence = z.object({ section: z.enum(MODEL_SECTIONS), id: z.string(), text: z.string() });
export type ModelSentence = z.infer<typeof ModelSentence>;
export const ModelSentences = z.object({ data: z.array(ModelSentence) }).openapi("ModelSentences");
export type ModelSentences = z.infer<typeof ModelSentences>;

const PreviewLead = z.object({ id: z.string(), email: z.string().nullable(), reason: z.string() });
export const PublishPreview = z
	.object({
		leads: z.number(),
		newMqls: z.number(),
		qualifiedNow: z.number(),
		qualifiedAfter: z.number(),
		gradeChanges: z.number(),
		temperatureChanges: z.number(),
		byGrade: z.record(z.string(), z.number()),
		byTemperature: z.record(z.string(), z.number()),
		examples: z.array(PreviewLead).openapi({ description: "leads that would become MQLs" }),
		stopping: z.array(PreviewLead).openapi({ description: "leads that qualify now and would stop qualifying" }),
		elapsedMs: z.number(),
	})
	.openapi("PublishPreview");
export type PublishPreview = z.infer<typeof PublishPreview>;
export type ScoringModelCreate = z.infer<typeof ScoringModelCreate>;
export type ValidationReport = z.infer<typeof ValidationReport>;

export const DraftCheck = ValidationReport.extend({
	sentences: z
		.array(ModelSentence)
		.openapi({ description: "the document as sentences, when its shape is valid (even with other problems)" }),
}).openapi("DraftCheck");
export type DraftCheck = z.infer<typeof DraftCheck>;

export const BacktestQuery = z
	.object({
		from: z.iso.date().openapi({ description: "first day of the window of history (UTC)" }),
		to: z.iso.date().openapi({ description: "last day, included" }),
		targetPrecision: z.coerce
			.number()
			.min(0)
			.max(1)
			.optional()
			.openapi({ description: "find the threshold reaching this share of SQLs" }),
		targetVolume: z.coerce
			.number()
			.int()
			.min(0)
			.optional()
			.openapi({ description: "or the most precise making this many MQLs (90–100% of it)" }),
		judgeBy: z
			.enum(["sql", "won"])
			.default("sql")
			.openapi({ description: "the outcome the target's precision counts: reaching SQL, or won" }),
	})
	.refine((q) => q.from <= q.to, { message: "must not be before from", path: ["to"] });

const BacktestMetrics = z.object({
	mqls: z.number().int(),
	precisionSql: z.number().nullable(),
	precisionWon: z.number().nullable(),
	recallSql: z.number().nullable(),
	recallWon: z.number().nullable(),
	leadTimeDays: z.number().nullable(),
	perWeek: z.array(z.object({ week: z.string(), mqls: z.number().int() })),
});
const SweepRow = z.object({
	fitAtLeast: z.number(),
	engagementAtLeast: z.number(),
	mqls: z.number().int(),
	precisionSql: z.number().nullable(),
	precisionWon: z.number().nullable(),
	recallSql: z.number().nullable(),
});

export const BacktestResult = z
	.object({
		window: z.object({ from: z.string(), to: z.string() }),
		leads: z.number().int(),
		draft: BacktestMetrics.extend({ modelId: z.string(), name: z.string() }),
		active: BacktestMetrics.extend({ version: z.number().int(), name: z.string() }),
		examples: z.array(
			z.object({
				leadId: z.string(),
				email: z.string().nullable(),
				draftAt: z.string().nullable(),
				activeAt: z.string().nullable(),
				sqlAt: z.string().nullable(),
			}),
		),
		sweep: z.array(SweepRow),
		suggestion: SweepRow.nullable(),
		elapsedMs: z.number(),
	})
	.openapi("BacktestResult");
export type BacktestResult = z.infer<typeof BacktestResult>;
