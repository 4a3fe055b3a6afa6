import { z } from "@hono/zod-openapi";
import { STAGES } from "../domain/stages.js";

const Scalar = z.union([z.string().max(500), z.number().finite(), z.boolean()]);
const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time of day as HH:MM, such as 09:00");
const StepId = z.string().regex(/^[a-z0-9_-]{1,40}$/, "1–40 of a–z, 0–9, _ and -");

// ─── Templates ──────────────────────────────────────────────────────────────────────────────

export const TemplateInput = z
	.object({
		name: z.string().trim().min(1).max(120),
		subject: z.string().min(1).max(300),
		html: z.string().min(1).max(200_000),
		text: z.string().min(1).max(100_000),
	})
	.strict()
	.openapi("TemplateInput");
export type TemplateInput = z.infer<typeof TemplateInput>;

export const Template = TemplateInput.extend({
	id: z.string().uuid(),
	updatedAt: z.string(),
}).openapi("Template");
export type Template = z.infer<typeof Template>;

export const TemplatePreviewRequest = z
	.object({
		subject: z.string().max(300),
		html: z.string().max(200_000),
		text: z.string().max(100_000),
		leadId: z.string().uuid().optional().openapi({ description: "a lead to render for; a made-up one when absent" }),
	})
	.strict()
	.openapi("TemplatePreviewRequest");
export type TemplatePreviewRequest = z.infer<typeof TemplatePreviewRequest>;

export const RenderedEmail = z
	.object({ subject: z.string(), html: z.string(), text: z.string() })
	.openapi("RenderedEmail");
export type RenderedEmail = z.infer<typeof RenderedEmail>;

// ─── Sequences ──────────────────────────────────────────────────────────────────────────────

export const Trigger = z
	.discriminatedUnion("on", [
		z.object({ on: z.literal("segment_entered"), segment: z.string().uuid() }).strict(),
		z
			.object({
				on: z.literal("event"),
				event: z.string().trim().min(1).max(200),
				/** properties the event must carry, such as the form's or webinar's id */
				match: z.record(z.string().max(100), Scalar).optional(),
			})
			.strict(),
		z.object({ on: z.literal("stage"), to: z.enum(STAGES) }).strict(),
		z.object({ on: z.literal("manual") }).strict(),
	])
	.openapi("SequenceTrigger");
export type Trigger = z.infer<typeof Trigger>;

/** Where a branch goes: the next step, the end, or a step by id. */
const Target = z.union([z.literal("next"), z.literal("exit"), StepId]);

export const BranchTest = z
	.discriminatedUnion("test", [
		z.object({ test: z.literal("opened_last") }).strict(),
		z.object({ test: z.literal("clicked_last") }).strict(),
		z.object({ test: z.literal("replied") }).strict(),
		/** any segment condition in its text form: scores, grade, segments, traits */
		z
			.object({ test: z.literal("matches"), text: z.string().min(1).max(5000) })
			.strict(),
	])
	.openapi("BranchTest");
export type BranchTest = z.infer<typeof BranchTest>;

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

export const Step = z
	.discriminatedUnion("kind", [
		z.object({ id: StepId, kind: z.literal("email"), template: z.string().uuid() }).strict(),
		z
			.object({
				id: StepId,
				kind: z.literal("wait"),
				amount: z.number().int().min(1).max(10_000),
				unit: z.enum(["minutes", "hours", "days"]),
			})
			.strict(),
		z
			.object({
				id: StepId,
				kind: z.literal("wait_until"),
				/** ISO weekdays, 1 Monday … 7 Sunday, in the lead's own time zone */
				weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
				from: Clock,
				to: Clock,
			})
			.strict(),
		z.object({ id: StepId, kind: z.literal("branch"), if: BranchTest, yes: Target, no: Target }).strict(),
		z
			.object({
				id: StepId,
				kind: z.literal("update_traits"),
				traits: z.record(z.string().min(1).max(100), Scalar.nullable()),
			})
			.strict(),
		z.object({ id: StepId, kind: z.literal("notify_owner"), message: z.string().min(1).max(2000) }).strict(),
		z.object({ id: StepId, kind: z.literal("move_to"), sequence: z.string().uuid() }).strict(),
		z.object({ id: StepId, kind: z.literal("exit") }).strict(),
	])
	.openapi("SequenceStep");
export type Step = z.infer<typeof Step>;

export const Reentry = z
	.discriminatedUnion("policy", [
		z.object({ policy: z.literal("never") }).strict(),
		z.object({ policy: z.literal("after_exit") }).strict(),
		z.object({ policy: z.literal("after_days"), days: z.number().int().min(1).max(3650) }).strict(),
	])
	.openapi("SequenceReentry");
export type Reentry = z.infer<typeof Reentry>;

export const DEFAULT_EXIT_STAGES = ["sql", "opportunity", "customer", "disqualified"] as const;

export const SequenceDefinition = z
	.object({
		trigger: Trigger,
		steps: z.array(Step).min(1).max(100),
		exits: z
			.object({
				/** a move to any of these ends the enrolment (SQL and beyond by default) */
				stages: z.array(z.enum(STAGES)).default([...DEFAULT_EXIT_STAGES]),
				/** an event that means the goal is reached */
				goal: z
					.object({ event: z.string().trim().min(1).max(200) })
					.strict()
					.optional(),
			})
			.strict()
			.default({ stages: [...DEFAULT_EXIT_STAGES] }),
		reentry: Reentry.default({ policy: "never" }),
		/** the share of those who would enter kept back untouched, for comparison */
		holdoutPercent: z.number().int().min(0).max(50).default(0),
	})
	.strict()
	.superRefine((d, ctx) => {
		const ids = new Set<string>();
		d.steps.forEach((s, i) => {
			if (ids.has(s.id)) ctx.addIssue({ code: "custom", path: ["steps", i, "id"], message: `"${s.id}" is used twice` });
			ids.add(s.id);
		});
		d.steps.forEach((s, i) => {
			if (s.kind !== "branch") return;
			for (const side of ["yes", "no"] as const) {
				const target = s[side];
				if (target !== "next" && target !== "exit" && !ids.has(target))
					ctx.addIssue({ code: "custom", path: ["steps", i, side], message: `no step "${target}"` });
				if (target === s.id)
					ctx.addIssue({ code: "custom", path: ["steps", i, side], message: "a branch may not lead to itself" });
			}
		});
	})
	.openapi("SequenceDefinition");
export type SequenceDefinition = z.infer<typeof SequenceDefinition>;
export type SequenceDefinitionInput = z.input<typeof SequenceDefinition>;

export const SEQUENCE_STATUSES = ["draft", "active", "paused", "archived"] as const;

export const SequenceInput = z
	.object({
		name: z.string().trim().min(1).max(120),
		definition: SequenceDefinition,
	})
	.strict()
	.openapi("SequenceInput");
export type SequenceInput = z.input<typeof SequenceInput>;

export const SequenceStatusChange = z
	.object({ status: z.enum(["active", "paused", "archived"]) })
	.strict()
	.openapi("SequenceStatusChange");

export const Sequence = z
	.object({
		id: z.string().uuid(),
		name: z.string(),
		status: z.enum(SEQUENCE_STATUSES),
		version: z.number().int(),
		pausedReason: z.string().nullable(),
		definition: SequenceDefinition,
		active: z.number().int().openapi({ description: "enrolments running now" }),
		enrolled: z.number().int().openapi({ description: "enrolments ever, held out ones included" }),
		updatedAt: z.string(),
	})
	.openapi("Sequence");
export type Sequence = z.infer<typeof Sequence>;

export const EnrolRequest = z
	.object({
		leadIds: z.array(z.string().uuid()).max(10_000).optional(),
		segment: z.string().uuid().optional().openapi({ description: "enrol every member of a segment or list" }),
	})
	.strict()
	.refine((r) => (r.leadIds === undefined) !== (r.segment === undefined), {
		message: "give leadIds or segment, one of them",
		path: ["leadIds"],
	})
	.openapi("EnrolRequest");

export const EnrolResult = z
	.object({
		enrolled: z.number().int(),
		heldOut: z.number().int(),
		skipped: z.number().int().openapi({ description: "already running, or kept out by the re-entry policy" }),
	})
	.openapi("EnrolResult");
export type EnrolResult = z.infer<typeof EnrolResult>;

export const Enrolment = z
	.object({
		id: z.string().uuid(),
		sequenceId: z.string().uuid(),
		sequenceName: z.string(),
		version: z.number().int(),
		leadId: z.string().uuid(),
		status: z.enum(["active", "completed", "exited", "held_out"]),
		step: z.string().nullable().openapi({ description: "the step it is at (its id), while it runs" }),
		nextRunAt: z.string().nullable(),
		trigger: z.string(),
		enteredAt: z.string(),
		endedAt: z.string().nullable(),
		exitReason: z.string().nullable(),
		emails: z.number().int().openapi({ description: "e-mails sent to the lead by this enrolment" }),
	})
	.openapi("Enrolment");
export type Enrolment = z.infer<typeof Enrolment>;

// ─── Settings ───────────────────────────────────────────────────────────────────────────────

export const NurtureSettings = z
	.object({
		/** at most this many marketing e-mails per lead in any rolling 7 days, across sequences */
		weeklyCap: z.number().int().min(1).max(50).default(3),
		/** no e-mail leaves in these hours of the lead's own day (from may be after to: overnight) */
		quietHours: z.object({ from: Clock, to: Clock }).strict().nullable().default({ from: "21:00", to: "08:00" }),
		/** the zone for leads whose own is not known */
		defaultTimeZone: z.string().min(1).max(100).default("UTC"),
		/** a sequence pauses itself when a rate passes its limit after at least minSent sends */
		pauseAt: z
			.object({
				unsubscribeRate: z.number().min(0).max(1).default(0.05),
				complaintRate: z.number().min(0).max(1).default(0.003),
				minSent: z.number().int().min(1).max(1_000_000).default(20),
			})
			.strict()
			.default({ unsubscribeRate: 0.05, complaintRate: 0.003, minSent: 20 }),
		/** results count MQLs and SQLs reached within this many days of entering */
		resultsDays: z.number().int().min(1).max(365).default(30),
	})
	.strict()
	.openapi("NurtureSettings");
export type NurtureSettings = z.infer<typeof NurtureSettings>;

// ─── Results ────────────────────────────────────────────────────────────────────────────────

export const StepResult = z
	.object({
		step: z.string(),
		kind: z.string(),
		sent: z.number().int(),
		delivered: z.number().int(),
		opened: z.number().int().openapi({ description: "sends opened by a person" }),
		openedByMachine: z.number().int().openapi({ description: "sends opened only by a privacy proxy or scanner" }),
		clicked: z.number().int(),
		clickedByMachine: z.number().int(),
		replied: z.number().int(),
		unsubscribed: z.number().int(),
		bounced: z.number().int(),
		complained: z.number().int(),
		suppressed: z.number().int(),
		failed: z.number().int(),
	})
	.openapi("StepResult");
export type StepResult = z.infer<typeof StepResult>;

export const GroupOutcome = z
	.object({
		leads: z.number().int(),
		mql: z.number().int(),
		sql: z.number().int(),
		mqlRate: z.number().nullable(),
		sqlRate: z.number().nullable(),
	})
	.openapi("GroupOutcome");

export const SequenceResults = z
	.object({
		sequenceId: z.string().uuid(),
		days: z.number().int(),
		enrolled: z.number().int(),
		heldOut: z.number().int(),
		total: StepResult,
		steps: z.array(StepResult),
		treated: GroupOutcome,
		holdout: GroupOutcome,
		pausedReason: z.string().nullable(),
	})
	.openapi("SequenceResults");
export type SequenceResults = z.infer<typeof SequenceResults>;

export const EmailFeedback = z
	.object({
		events: z
			.array(
				z
					.object({
						type: z.enum(["bounce", "complaint"]),
						email: z.string().min(3).max(320),
						/** hard (the default) suppresses the address; soft is only recorded */
						bounceType: z.enum(["hard", "soft"]).default("hard"),
						messageId: z.string().max(500).optional(),
						at: z.string().datetime({ offset: true }).optional(),
					})
					.strict(),
			)
			.min(1)
			.max(1000),
	})
	.strict()
	.openapi("EmailFeedback");
export type EmailFeedback = z.infer<typeof EmailFeedback>;
