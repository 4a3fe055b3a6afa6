// The draft editor's view of a model document: one JSON block per rule and section, and back.

export type Document = Record<string, unknown> & {
	name: string;
	description?: string;
	fit?: unknown[];
	engagement?: unknown[];
	handRaisers?: unknown[];
	disqualifiers?: unknown[];
};
export interface Problem {
	field: string;
	message: string;
}
/** One editable piece of the document: a rule (`fit.2`) or a section (`bands`), as JSON text. */
export interface Block {
	key: string;
	title: string;
	text: string;
}

export const RULE_LISTS: Array<[keyof Document & string, string]> = [
	["fit", "Fit rule"],
	["engagement", "Engagement rule"],
	["handRaisers", "Hand-raiser"],
	["disqualifiers", "Disqualifier"],
];
const DOCUMENT_SECTIONS: Array<[string, string]> = [
	["lists", "Named lists"],
	["bands", "Grade and temperature bands"],
	["qualification", "When a lead qualifies"],
];
export const TEMPLATES: Record<string, unknown> = {
	fit: {
		id: "new-fit-rule",
		reason: "why this matters",
		if: { field: "industry", op: "equals", value: "Software" },
		points: 5,
	},
	engagement: {
		kind: "event",
		id: "new-engagement-rule",
		reason: "why this matters",
		when: { event: "Webinar Attended" },
		points: 10,
		cap: "once",
	},
	handRaisers: { id: "new-hand-raiser", reason: "why this matters", when: { event: "Contact Sales" } },
	disqualifiers: { id: "new-disqualifier", reason: "why this matters", if: { field: "email", op: "freeMail" } },
};

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

export function blocksOf(document: Document): Block[] {
	const blocks: Block[] = [];
	for (const [list, title] of RULE_LISTS)
		((document[list] as unknown[] | undefined) ?? []).forEach((rule, i) => {
			blocks.push({ key: `${list}.${i}`, title: `${title} ${i + 1}`, text: pretty(rule) });
		});
	for (const [key, title] of DOCUMENT_SECTIONS) blocks.push({ key, title, text: pretty(document[key] ?? {}) });
	return blocks;
}

/** The document the blocks make, or the blocks whose JSON does not parse. */
export function documentOf(
	name: string,
	description: string,
	blocks: Block[],
): { document: Document | null; problems: Problem[] } {
	const document: Document = { name, description, fit: [], engagement: [], handRaisers: [], disqualifiers: [] };
	const problems: Problem[] = [];
	for (const block of blocks) {
		let value: unknown;
		try {
			value = JSON.parse(block.text);
		} catch (e) {
			problems.push({ field: block.key, message: `not valid JSON: ${(e as Error).message}` });
			continue;
		}
		const [list] = block.key.split(".");
		if (block.key.includes(".")) (document[list as string] as unknown[]).push(value);
		else document[block.key] = value;
	}
	return { document: problems.length ? null : document, problems };
}

/** The problems that belong to a block: `fit.2.if.value` belongs to `fit.2`. */
export const problemsOf = (problems: Problem[], key: string) =>
	problems.filter((p) => p.field === key || p.field.startsWith(`${key}.`));
