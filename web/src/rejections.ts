/** Why sales turns an MQL down (the API's rejection reasons), with the words the pages show. */
export const REJECTION_REASONS = [
	["bad_fit", "Bad fit"],
	["no_budget", "No budget"],
	["no_need_now", "No need now"],
	["unreachable", "Unreachable"],
	["duplicate", "Duplicate"],
	["competitor", "Competitor"],
	["student", "Student"],
	["other", "Other"],
] as const;
