/**
 * Which field of a lead, event or outcome each CSV column is, guessed from its header and shown
 * to the person, who can change any of it. In a file of leads a column that is no known field
 * becomes a trait (its header in camelCase), so aggregate columns such as visits or time on site
 * reach the model; in events and outcomes it is skipped unless mapped (what a closed deal's row
 * says is known only after the outcome, and would leak it into the score). Headers are compared without case, spaces, dashes or underscores.
 */

export const IMPORT_KINDS = ["leads", "events", "outcomes"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** The fields each kind of import knows, with the headers people give them. */
export const FIELDS = {
	leads: {
		externalId: ["id", "leadid", "mqlid", "contactid", "externalid", "crmid", "recordid", "userid"],
		email: ["email", "emailaddress", "mail", "e-mail"],
		firstName: ["firstname", "givenname", "first"],
		lastName: ["lastname", "surname", "familyname", "last"],
		name: ["name", "fullname", "contactname"],
		company: ["company", "companyname", "organization", "organisation", "account", "accountname"],
		title: ["title", "jobtitle", "position", "role"],
		phone: ["phone", "phonenumber", "mobile", "telephone"],
		country: ["country", "countryname"],
		city: ["city", "town"],
		industry: ["industry", "sector", "businesssegment"],
		source: ["source", "origin", "leadsource", "utmsource", "channel"],
		landingPage: ["landingpage", "landingpageid", "landingpageurl", "firstpage"],
		firstSeenAt: ["firstcontactdate", "createdat", "createddate", "created", "createdon", "signupdate", "date"],
		converted: ["converted", "isconverted", "won", "customer"],
	},
	events: {
		externalId: ["leadid", "mqlid", "contactid", "externalid", "userid", "id"],
		email: ["email", "emailaddress"],
		event: ["event", "eventname", "activity", "action", "type"],
		timestamp: ["timestamp", "time", "date", "occurredat", "activitydate", "createdat"],
		path: ["path", "page", "pagepath", "url"],
		messageId: ["messageid", "eventid"],
	},
	outcomes: {
		externalId: ["id", "leadid", "mqlid", "contactid", "externalid", "crmid", "userid"],
		email: ["email", "emailaddress"],
		outcome: ["outcome", "status", "stage", "result"],
		at: ["wondate", "closedate", "closeddate", "date", "at", "outcomedate", "lostdate"],
		amount: ["amount", "value", "dealvalue", "revenue", "dealamount"],
		owner: ["srid", "salesrep", "owner", "ownerid", "rep", "accountexecutive"],
	},
} as const satisfies Record<ImportKind, Record<string, readonly string[]>>;

/** A column's role: a known field, a trait of the lead, or skipped. */
export type ColumnRole = { field: string } | { trait: string } | "skip";
export type Mapping = Record<string, ColumnRole>;

const squash = (header: string) => header.toLowerCase().replace(/[\s_\-.]/g, "");

/** "declared_monthly_revenue" → "declaredMonthlyRevenue"; a blank header gets its position. */
export function traitName(header: string, position: number): string {
	const words = header
		.trim()
		.replace(/([a-z])([A-Z])/g, "$1 $2")
		.split(/[^A-Za-z0-9]+/)
		.filter(Boolean)
		.map((w) => w.toLowerCase());
	if (words.length === 0) return `column${position + 1}`;
	return words.map((w, i) => (i === 0 ? w : w[0]?.toUpperCase() + w.slice(1))).join("");
}

/**
 * The mapping guessed from the headers: each column to the first field whose names it matches
 * (a field is taken once, by its first column), the rest to traits. A saved mapping for the same
 * headers wins over the guess, column by column.
 */
export function guessMapping(kind: ImportKind, headers: readonly string[], saved: Mapping = {}): Mapping {
	const fields = FIELDS[kind] as Record<string, readonly string[]>;
	const taken = new Set<string>();
	const mapping: Mapping = {};
	headers.forEach((header, position) => {
		const remembered = saved[header];
		if (remembered) {
			mapping[header] = remembered;
			if (typeof remembered === "object" && "field" in remembered) taken.add(remembered.field);
			return;
		}
		const name = squash(header);
		const field = Object.entries(fields).find(
			([f, names]) => !taken.has(f) && (names as readonly string[]).includes(name),
		)?.[0];
		if (field) {
			taken.add(field);
			mapping[header] = { field };
		} else mapping[header] = kind === "leads" ? { trait: traitName(header, position) } : "skip";
	});
	return mapping;
}

/** What a mapping must have to identify rows: an external id or an e-mail, and for events an event name. */
export function mappingProblems(kind: ImportKind, mapping: Mapping): string[] {
	const fields = new Set(
		Object.values(mapping).flatMap((role) => (typeof role === "object" && "field" in role ? [role.field] : [])),
	);
	const problems: string[] = [];
	if (!fields.has("externalId") && !fields.has("email"))
		problems.push("no column says who the row is: map one to externalId or email");
	if (kind === "events" && !fields.has("event")) problems.push("no column names the event: map one to event");
	if (kind === "outcomes" && !fields.has("at")) problems.push("no column says when: map one to at");
	return problems;
}

/** The columns' headers as one key, so a mapping is remembered for files with the same columns. */
export const headersKey = (kind: ImportKind, headers: readonly string[]) => `${kind}:${headers.map(squash).join("|")}`;

/** `--map "origin=source,landing_page_id=landingPage,sdr_id=skip"`: changes to a guess, by header. */
export function parseMappingOverrides(spec: string): Mapping {
	const mapping: Mapping = {};
	for (const pair of spec
		.split(",")
		.map((p) => p.trim())
		.filter(Boolean)) {
		const at = pair.lastIndexOf("=");
		if (at <= 0) throw new TypeError(`--map: "${pair}" is not header=field`);
		const header = pair.slice(0, at).trim();
		const target = pair.slice(at + 1).trim();
		mapping[header] =
			target === "skip" ? "skip" : target.startsWith("trait:") ? { trait: target.slice(6) } : { field: target };
	}
	return mapping;
}
