/** The traits Qualify understands; any other trait is kept as a custom trait. */
export const KNOWN_TRAITS = [
	"firstName",
	"lastName",
	"title",
	"seniority",
	"company",
	"industry",
	"companySize",
	"country",
	"region",
	"city",
	"timezone",
	"phone",
] as const;

export type Traits = Record<string, unknown>;

// A Map, not an object: a trait named "constructor" or "__proto__" is an ordinary name.
const ALIASES = new Map<string, string>([
	["first_name", "firstName"],
	["firstname", "firstName"],
	["last_name", "lastName"],
	["lastname", "lastName"],
	["job_title", "title"],
	["jobTitle", "title"],
	["company_size", "companySize"],
	["employees", "companySize"],
	["employee_count", "companySize"],
	["state", "region"],
	["time_zone", "timezone"],
]);

/** A JSON object: not null, not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Maps Segment-style traits onto Qualify's names: snake_case aliases, `company` and
 * `address` objects flattened. Email and ids are identities, not traits, and are dropped.
 */
export function normalizeTraits(raw: Traits): Traits {
	const traits = new Map<string, unknown>();
	for (const [key, value] of Object.entries(raw)) {
		if (key === "email" || key === "userId" || key === "anonymousId" || key === "id") continue;
		if (key === "company" && isObject(value)) {
			if (Object.hasOwn(value, "name")) traits.set("company", value.name);
			if (Object.hasOwn(value, "industry")) traits.set("industry", value.industry);
			const size = ["employee_count", "employees", "size"].find((k) => Object.hasOwn(value, k));
			if (size) traits.set("companySize", value[size]);
			continue;
		}
		if (key === "address" && isObject(value)) {
			if (Object.hasOwn(value, "city")) traits.set("city", value.city);
			if (Object.hasOwn(value, "country")) traits.set("country", value.country);
			if (Object.hasOwn(value, "state")) traits.set("region", value.state);
			continue;
		}
		if (
			key === "name" &&
			typeof value === "string" &&
			!Object.hasOwn(raw, "firstName") &&
			!Object.hasOwn(raw, "first_name")
		) {
			const [first, ...rest] = value.trim().split(/\s+/);
			traits.set("firstName", first);
			if (rest.length > 0) traits.set("lastName", rest.join(" "));
			continue;
		}
		traits.set(ALIASES.get(key) ?? key, value);
	}
	return Object.fromEntries(traits);
}

// A local part, an @, and a domain of two or more labels whose last has two letters or more.
const EMAIL = /^[^\s@<>()[\],;:"\\]+@(?:[^\s@<>()[\],;:"\\.]+\.)+[^\s@<>()[\],;:"\\.\d]{2,}$/u;

/**
 * The address in what a form or CRM calls an email, trimmed and lower-cased: a `mailto:`
 * prefix and a display name (`Jane <jane@acme.io>`) are taken off. Null when no address is left.
 */
export function normalizeEmail(value: unknown): string | null {
	if (typeof value !== "string" || value.length > 400) return null;
	let email = value.trim();
	const angle = /^[^<>]*<([^<>]+)>$/.exec(email);
	if (angle?.[1]) email = angle[1].trim();
	email = email.replace(/^mailto:/i, "").toLowerCase();
	return EMAIL.test(email) && email.length <= 320 ? email : null;
}

const zoneValidity = new Map<string, boolean>();

/** Whether a string names an IANA time zone this runtime knows (answers are remembered). */
export function isTimeZone(value: unknown): value is string {
	if (typeof value !== "string" || value.length > 64) return false;
	let valid = zoneValidity.get(value);
	if (valid === undefined) {
		try {
			new Intl.DateTimeFormat("en", { timeZone: value });
			valid = true;
		} catch {
			valid = false;
		}
		if (zoneValidity.size < 10_000) zoneValidity.set(value, valid);
	}
	return valid;
}
