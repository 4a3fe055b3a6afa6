import type { FieldProblem } from "../domain/errors.js";
import { HONEYPOT } from "../domain/forms/check-submission.js";
import { escapeHtml as e } from "../email/escape.js";
import type { FormDefinition, FormField } from "../schemas/forms.js";
import { publicPage } from "./public-page.js";

const UTM = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];

function input(field: FormField, value: string, problem: string | undefined): string {
	const id = `f-${field.name}`;
	const described = problem ? ` aria-invalid="true" aria-describedby="${id}-problem"` : "";
	const required = field.required ? " required" : "";
	const note = problem ? `<p class="problem" id="${id}-problem">${e(problem)}</p>` : "";
	if (field.type === "checkbox")
		return `<label class="check"><input type="checkbox" id="${id}" name="${e(field.name)}"${value ? " checked" : ""}${required}${described}>${e(field.label)}</label>${note}`;
	const label = `<label for="${id}">${e(field.label)}${field.required ? "" : " <small>(optional)</small>"}</label>`;
	if (field.type === "textarea")
		return `${label}<textarea id="${id}" name="${e(field.name)}" maxlength="${field.maxLength}" rows="4"${required}${described}>${e(value)}</textarea>${note}`;
	if (field.type === "select")
		return `${label}<select id="${id}" name="${e(field.name)}"${required}${described}><option value="">Choose…</option>${(
			field.options ?? []
		)
			.map((o) => `<option${o === value ? " selected" : ""}>${e(o)}</option>`)
			.join("")}</select>${note}`;
	const type = field.type === "number" ? "text" : field.type;
	const mode = field.type === "number" ? ' inputmode="decimal"' : "";
	const auto = field.type === "email" ? ' autocomplete="email"' : field.type === "tel" ? ' autocomplete="tel"' : "";
	return `${label}<input type="${type}" id="${id}" name="${e(field.name)}" value="${e(value)}" maxlength="${field.maxLength}"${mode}${auto}${required}${described}>${note}`;
}

/**
 * A form as plain HTML that works without JavaScript: every value the visitor gave is escaped,
 * each field's problem sits under it, hidden fields carry the campaign, the browser's anonymous
 * id and the signed time it was shown; a trap field hides from people.
 */
export function renderFormPage(
	form: FormDefinition,
	state: {
		action: string;
		shown: string;
		/** where the page's script reports the first field touched (none on a page shown again) */
		startUrl: string | null;
		anonymousId: string | null;
		values: Record<string, string | undefined>;
		problems: readonly FieldProblem[];
	},
): string {
	const problemOf = (name: string) => state.problems.find((p) => p.field === name)?.message;
	const hidden = [
		["_shown", state.shown],
		...(state.anonymousId ? [["anonymous_id", state.anonymousId]] : []),
		...UTM.filter((k) => state.values[k]).map((k) => [k, state.values[k] as string]),
	]
		.map(([name, value]) => `<input type="hidden" name="${e(name)}" value="${e(value)}">`)
		.join("");
	const consent = form.consent
		? `<label class="check"><input type="checkbox" name="consent" value="yes"${state.values.consent ? " checked" : ""}${form.consent.required ? " required" : ""}>${e(form.consent.text)}</label>${problemOf("consent") ? `<p class="problem">${e(problemOf("consent"))}</p>` : ""}`
		: "";
	const summary =
		state.problems.length > 0
			? `<p role="alert" class="problem">Please check ${state.problems.length === 1 ? "the field" : `the ${state.problems.length} fields`} below.</p>`
			: "";
	return publicPage(
		form.title,
		`<h1>${e(form.title)}</h1>${form.intro ? `<p>${e(form.intro)}</p>` : ""}${summary}
<form method="post" action="${e(state.action)}" novalidate>${hidden}
${form.fields.map((f) => input(f, state.values[f.name] ?? "", problemOf(f.name))).join("\n")}
${consent}
<div class="trap" aria-hidden="true"><label for="${HONEYPOT}">Leave this empty</label><input type="text" id="${HONEYPOT}" name="${HONEYPOT}" tabindex="-1" autocomplete="off"></div>
<button type="submit">${e(form.submitLabel)}</button></form>${state.startUrl ? startScript(state.startUrl, state.shown) : ""}`,
	);
}

/**
 * The thank-you page. On a double opt-in form it says the same whether or not the address was
 * confirmed before, so that the page tells no one who is subscribed.
 */
export function renderThanks(form: FormDefinition, message: string, address: string | null = null): string {
	const confirm =
		form.doubleOptIn && address
			? `<p>Unless <strong>${e(address)}</strong> was confirmed before, we have sent it a link: click it to confirm the address.</p>`
			: "";
	return publicPage(form.title, `<h1>${e(form.title)}</h1><p role="status">${e(message)}</p>${confirm}`);
}

/**
 * The one script of a hosted form: the first field touched on this page view is a "start",
 * reported once with the view's signed token. The form works the same without it.
 */
function startScript(url: string, token: string): string {
	// JSON.stringify with < escaped: nothing in a value can close the script element
	const js = (v: string) => JSON.stringify(v).replace(/</g, "\\u003c");
	return `<script>(function(){var f=document.querySelector("form"),sent=false;function start(){if(sent)return;sent=true;
var u=${js(url)},t=${js(token)};if(navigator.sendBeacon&&navigator.sendBeacon(u,t))return;
fetch(u,{method:"POST",body:t,keepalive:true}).catch(function(){});}
f.addEventListener("focusin",start);f.addEventListener("input",start);})();</script>`;
}

export function renderRefused(): string {
	return publicPage(
		"Not sent",
		"<h1>That did not go through</h1><p>The form was sent too quickly or in a way a person would not. Please go back, wait a moment and try again.</p>",
	);
}
