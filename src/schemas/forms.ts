import { z } from "@hono/zod-openapi";
import { REJECTION_REASONS } from "../domain/lifecycle.js";

const FieldName = z
	.string()
	.regex(/^[A-Za-z][A-Za-z0-9_]{0,49}$/, "a letter, then letters, digits or _ (the trait it fills)");

export const FIELD_TYPES = ["text", "email", "tel", "textarea", "select", "checkbox", "number"] as const;

export const FormField = z
	.object({
		/** the trait the answer becomes (email identifies the lead) */
		name: FieldName,
		label: z.string().trim().min(1).max(200),
		type: z.enum(FIELD_TYPES),
		required: z.boolean().default(false),
		/** the choices of a select */
		options: z.array(z.string().min(1).max(200)).min(1).max(100).optional(),
		maxLength: z.number().int().min(1).max(5000).default(500),
		/**
		 * A survey's "why not now" question: each option of the select and the rejection reason it
		 * means, so that what leads say sits beside why sales rejected MQLs.
		 */
		notNowReasons: z
			.record(z.string().min(1).max(200), z.enum(REJECTION_REASONS))
			.optional()
			.openapi({ example: { "No budget this year": "no_budget", "Too early for us": "no_need_now" } }),
	})
	.strict()
	.superRefine((f, ctx) => {
		if (f.type === "select" && !f.options)
			ctx.addIssue({ code: "custom", path: ["options"], message: "a select needs its options" });
		if (f.notNowReasons && f.type !== "select")
			ctx.addIssue({ code: "custom", path: ["notNowReasons"], message: "only a select's options can mean reasons" });
		for (const option of Object.keys(f.notNowReasons ?? {}))
			if (f.type === "select" && !f.options?.includes(option))
				ctx.addIssue({
					code: "custom",
					path: ["notNowReasons", option],
					message: `"${option}" is not one of the options`,
				});
	})
	.openapi("FormField");
export type FormField = z.infer<typeof FormField>;

export const FormDefinition = z
	.object({
		title: z.string().trim().min(1).max(200),
		intro: z.string().max(2000).default(""),
		fields: z.array(FormField).min(1).max(40),
		submitLabel: z.string().trim().min(1).max(60).default("Send"),
		/** a consent checkbox: its wording is recorded with the time it was ticked */
		consent: z
			.object({ text: z.string().trim().min(1).max(1000), required: z.boolean().default(true) })
			.strict()
			.optional(),
		/** after a submission: a message on the page, or a redirect to one address of yours */
		thanks: z
			.union([
				z.object({ message: z.string().trim().min(1).max(2000) }).strict(),
				z
					.object({
						redirect: z
							.string()
							.url()
							.regex(/^https?:\/\//i, "an http(s) address"),
					})
					.strict(),
			])
			.default({ message: "Thank you." }),
		/** something offered for the address: e-mailed as a signed link that expires, its click `content_downloaded` */
		leadMagnet: z
			.object({
				title: z.string().trim().min(1).max(200),
				url: z
					.string()
					.url()
					.regex(/^https?:\/\//i, "an http(s) address"),
				expiresHours: z
					.number()
					.int()
					.min(1)
					.max(24 * 90)
					.default(72),
			})
			.strict()
			.optional(),
		/** a registration form: each submission also records `webinar_registered` for this webinar */
		webinar: z.string().uuid().optional(),
		/** a survey (after a webinar, if one is named): each submission also records `survey_answered` with the answers */
		survey: z.object({ webinar: z.string().uuid().optional() }).strict().optional(),
		/**
		 * Double opt-in: the address is 'pending' (nothing is e-mailed to it) until its owner clicks
		 * the link a confirmation e-mail carries; a lead magnet waits for that click too.
		 */
		doubleOptIn: z.boolean().default(false),
		/** a submission faster than this after the page was shown is a bot's */
		minSeconds: z.number().min(0).max(60).default(2),
	})
	.strict()
	.superRefine((d, ctx) => {
		const names = new Set<string>();
		d.fields.forEach((f, i) => {
			if (names.has(f.name.toLowerCase()))
				ctx.addIssue({ code: "custom", path: ["fields", i, "name"], message: `"${f.name}" is used twice` });
			names.add(f.name.toLowerCase());
		});
		if (d.fields.filter((f) => f.notNowReasons).length > 1)
			ctx.addIssue({ code: "custom", path: ["fields"], message: "only one field can ask why not now" });
		if (!d.fields.some((f) => f.name === "email" && f.type === "email" && f.required))
			ctx.addIssue({
				code: "custom",
				path: ["fields"],
				message: 'a form needs a required field named "email" of type email: it identifies the lead',
			});
	})
	.openapi("FormDefinition");
export type FormDefinition = z.infer<typeof FormDefinition>;

export const FormInput = z
	.object({
		name: z.string().trim().min(1).max(120),
		slug: z
			.string()
			.regex(/^[a-z0-9][a-z0-9-]{0,59}$/, "lower-case letters, digits and -, as in the address /f/<slug>"),
		definition: FormDefinition,
	})
	.strict()
	.openapi("FormInput");
export type FormInput = z.input<typeof FormInput>;

export const Form = z
	.object({
		id: z.string().uuid(),
		name: z.string(),
		slug: z.string(),
		definition: FormDefinition,
		url: z.string().openapi({ description: "the hosted page" }),
		embed: z.string().openapi({ description: "HTML to paste into a page of yours" }),
		updatedAt: z.string(),
	})
	.openapi("Form");
export type Form = z.infer<typeof Form>;

export const FormResults = z
	.object({
		views: z.number().int(),
		starts: z
			.number()
			.int()
			.openapi({ description: "page views on which a field was touched (counted by the page's script)" }),
		submissions: z.number().int(),
		confirmed: z
			.number()
			.int()
			.openapi({ description: "submissions whose address was confirmed (double opt-in forms)" }),
		leads: z.number().int().openapi({ description: "distinct leads who submitted" }),
		conversion: z.number().nullable().openapi({ description: "submissions per view" }),
		mql: z.number().int().openapi({ description: "of those leads, how many became MQLs after submitting" }),
		sql: z.number().int(),
	})
	.openapi("FormResults");
export type FormResults = z.infer<typeof FormResults>;
