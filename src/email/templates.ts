import { Liquid } from "liquidjs";
import type { FieldProblem } from "../domain/errors.js";
import type { RenderedEmail } from "../schemas/nurture.js";
import { headerLine } from "./escape.js";

/** What a template may name, beside `lead.traits.<any custom trait>` and `account.traits.<any>`. */
export const TEMPLATE_FIELDS = {
	lead: [
		"id",
		"email",
		"first_name",
		"last_name",
		"name",
		"company",
		"title",
		"country",
		"stage",
		"grade",
		"fit",
		"engagement",
		"traits",
	],
	owner: ["name", "email"],
	account: ["name", "domain", "fit", "engagement", "traits"],
	unsubscribe_url: [],
	preferences_url: [],
} as const satisfies Record<string, readonly string[]>;

export interface TemplateContext {
	lead: Record<string, unknown> & { traits: Record<string, unknown> };
	owner: { name: string | null; email: string | null } | null;
	account: (Record<string, unknown> & { traits: Record<string, unknown> }) | null;
	unsubscribe_url: string;
	preferences_url: string;
}

const options = {
	strictFilters: true,
	ownPropertyOnly: true,
	cache: 200,
	renderLimit: 2_000,
	memoryLimit: 8e6,
} as const;
// lead-supplied values are escaped in HTML wherever they are written; subject and text are plain
const htmlEngine = new Liquid({ ...options, outputEscape: "escape" });
const textEngine = new Liquid(options);

const PARTS = ["subject", "html", "text"] as const;
type Part = (typeof PARTS)[number];

/**
 * Problems with a template's parts: Liquid that does not parse, a filter that does not exist, or
 * a field no lead has. Each names the part ("subject", "html", "text") and says what is wrong.
 */
export function templateProblems(parts: Record<Part, string>): FieldProblem[] {
	const problems: FieldProblem[] = [];
	for (const part of PARTS) {
		const engine = part === "html" ? htmlEngine : textEngine;
		try {
			const parsed = engine.parse(parts[part]);
			for (const segments of engine.globalVariableSegmentsSync(parsed)) {
				const problem = unknownField(segments.map(String));
				if (problem) problems.push({ field: part, message: problem });
			}
		} catch (error) {
			problems.push({
				field: part,
				message: (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "",
			});
		}
	}
	return problems;
}

function unknownField(path: readonly string[]): string | null {
	const [root, field] = path;
	const name = path.join(".");
	if (root === undefined) return null;
	if (!Object.hasOwn(TEMPLATE_FIELDS, root))
		return `{{ ${name} }} names nothing a template knows: use lead., owner., account., unsubscribe_url or preferences_url`;
	const fields: readonly string[] = TEMPLATE_FIELDS[root as keyof typeof TEMPLATE_FIELDS];
	if (field === undefined || fields.includes(field)) return null;
	const known = fields.join(", ");
	return root === "lead" || root === "account"
		? `{{ ${name} }} is not a field of ${root} (${known}); a custom trait is ${root}.traits.${field}`
		: `{{ ${name} }} is not a field of ${root} (${known || "it has none"})`;
}

// parsed templates by engine and source: a sequence sends the same few thousands of times
const parsed = new Map<string, ReturnType<Liquid["parse"]>>();
function parsedOnce(engine: Liquid, source: string) {
	const key = `${engine === htmlEngine ? "h" : "t"}${source}`;
	let found = parsed.get(key);
	if (!found) {
		found = engine.parse(source);
		if (parsed.size > 500) parsed.clear();
		parsed.set(key, found);
	}
	return found;
}

/** The e-mail a template makes for one lead. The subject is one header-safe line. */
export async function renderTemplate(parts: Record<Part, string>, context: TemplateContext): Promise<RenderedEmail> {
	const scope = context as unknown as Record<string, unknown>;
	const [subject, html, text] = await Promise.all([
		textEngine.render(parsedOnce(textEngine, parts.subject), scope),
		htmlEngine.render(parsedOnce(htmlEngine, parts.html), scope),
		textEngine.render(parsedOnce(textEngine, parts.text), scope),
	]);
	return { subject: headerLine(subject).trim(), html, text };
}
