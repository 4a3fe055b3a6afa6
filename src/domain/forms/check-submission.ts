import type { FormDefinition } from "../../schemas/forms.js";
import type { FieldProblem } from "../errors.js";
import { normalizeEmail } from "../traits.js";

/** The hidden field a person never sees and a form-filling bot fills. */
export const HONEYPOT = "website_url";
const UTM = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"] as const;

export type Answer = string | number | boolean;

export interface CheckedSubmission {
	answers: Record<string, Answer>;
	email: string | null;
	utm: Record<string, string>;
	consented: boolean;
	problems: FieldProblem[];
	/** why it is a bot's, when it is (nothing is stored then) */
	spam: string | null;
}

/**
 * Checks a submission against its form: each field's problem by name, the honeypot, and the
 * time since the page was shown. Values are trimmed and typed; nothing else is kept.
 */
export function checkSubmission(
	form: FormDefinition,
	raw: Record<string, string | undefined>,
	timing: { shownAt: number | null; now: number },
): CheckedSubmission {
	const answers: Record<string, Answer> = {};
	const problems: FieldProblem[] = [];
	let spam: string | null = null;
	if ((raw[HONEYPOT] ?? "").trim() !== "") spam = "the hidden field was filled";
	else if (timing.shownAt === null) spam = "the form was not shown first";
	else if (timing.now - timing.shownAt < form.minSeconds * 1000) spam = "sent faster than a person can type";
	for (const field of form.fields) {
		const value = (raw[field.name] ?? "").trim();
		if (field.type === "checkbox") {
			const ticked = value !== "" && value !== "off" && value !== "false";
			if (field.required && !ticked) problems.push({ field: field.name, message: `${field.label}: please tick it` });
			answers[field.name] = ticked;
			continue;
		}
		if (value === "") {
			if (field.required) problems.push({ field: field.name, message: `${field.label}: please fill it in` });
			continue;
		}
		if (value.length > field.maxLength) {
			problems.push({ field: field.name, message: `${field.label}: at most ${field.maxLength} characters` });
			continue;
		}
		if (field.type === "email") {
			const email = normalizeEmail(value);
			if (!email) problems.push({ field: field.name, message: `${field.label}: "${value}" is not an e-mail address` });
			else answers[field.name] = email;
		} else if (field.type === "number") {
			const n = Number(value);
			if (!Number.isFinite(n)) problems.push({ field: field.name, message: `${field.label}: a number, please` });
			else answers[field.name] = n;
		} else if (field.type === "select" && !field.options?.includes(value)) {
			problems.push({ field: field.name, message: `${field.label}: choose one of the options` });
		} else if (field.type === "tel" && !/^[+0-9 ()./-]{4,40}$/.test(value)) {
			problems.push({ field: field.name, message: `${field.label}: digits, spaces and + ( ) - only` });
		} else answers[field.name] = value;
	}
	const consented = (raw.consent ?? "") !== "";
	if (form.consent?.required && !consented) problems.push({ field: "consent", message: "Please agree to continue" });
	const utm: Record<string, string> = {};
	for (const key of UTM) {
		const v = (raw[key] ?? "").trim();
		if (v) utm[key] = v.slice(0, 200);
	}
	const email = typeof answers.email === "string" ? answers.email : null;
	return { answers, email, utm, consented, problems, spam };
}
