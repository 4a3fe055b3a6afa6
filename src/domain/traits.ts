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

const ALIASES: Record<string, string> = {
	first_name: "firstName",
	firstname: "firstName",
	last_name: "lastName",
	lastname: "lastName",
	job_title: "title",
	jobTitle: "title",
	company_size: "companySize",
	employees: "companySize",
	employee_count: "companySize",
	state: "region",
	time_zone: "timezone",
};

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Maps Segment-style traits onto Qualify's names: snake_case aliases, `company` and
 * `address` objects flattened. Email and ids are identities, not traits, and are dropped.
 */
export function normalizeTraits(raw: Traits): Traits {
	const traits: Traits = {};
	for (const [key, value] of Object.entries(raw)) {
		if (key === "email" || key === "userId" || key === "anonymousId" || key === "id") continue;
		if (key === "company" && isObject(value)) {
			if (value.name !== undefined) traits.company = value.name;
			if (value.industry !== undefined) traits.industry = value.industry;
			const size = value.employee_count ?? value.employees ?? value.size;
			if (size !== undefined) traits.companySize = size;
			continue;
		}
		if (key === "address" && isObject(value)) {
			if (value.city !== undefined) traits.city = value.city;
			if (value.country !== undefined) traits.country = value.country;
			if (value.state !== undefined) traits.region = value.state;
			continue;
		}
		if (key === "name" && typeof value === "string" && raw.firstName === undefined && raw.first_name === undefined) {
			const [first, ...rest] = value.trim().split(/\s+/);
			traits.firstName = first;
			if (rest.length > 0) traits.lastName = rest.join(" ");
			continue;
		}
		traits[ALIASES[key] ?? key] = value;
	}
	return traits;
}

/** Trims and lower-cases an email; null when it is not one. */
export function normalizeEmail(value: unknown): string | null {
	if (typeof value !== "string") return null;
	const email = value.trim().toLowerCase();
	return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) && email.length <= 320 ? email : null;
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
