// The words the pages show for the API's values. Each list is keyed by the server's own type, so
// a value added on the server is a compile error here until it has its words.
import type { CallOutcome, TouchKind } from "../../src/schemas/handoff";
import type { RejectionReason } from "../../src/schemas/lifecycle";
import type { Cap, ConditionOp } from "../../src/schemas/scoring-model";
import type { WebhookEventType } from "../../src/schemas/webhooks";

export const REJECTION_WORDS: Record<RejectionReason, string> = {
	bad_fit: "Bad fit",
	no_budget: "No budget",
	no_need_now: "No need now",
	unreachable: "Unreachable",
	duplicate: "Duplicate",
	competitor: "Competitor",
	student: "Student",
	other: "Other",
};

export const OUTCOME_WORDS: Record<CallOutcome, string> = {
	connected: "Connected",
	voicemail: "Left a voicemail",
	no_answer: "No answer",
};

export const TOUCH_WORDS: Record<TouchKind, string> = {
	call: "Call",
	email: "E-mail",
	meeting: "Meeting",
	note: "Note",
};

export const WEBHOOK_EVENT_WORDS: Record<WebhookEventType, string> = {
	"lead.mql": "a lead becomes an MQL",
	"lead.sql": "sales accepts a lead (SQL)",
	"lead.recycled": "a lead goes back to nurture",
	"lead.disqualified": "a lead is disqualified",
	"lead.score_changed": "a lead's engagement changes",
	"handoff.assigned": "an MQL is assigned to a rep",
	"handoff.sla_breached": "a first-touch SLA is breached",
	"segment.entered": "a lead enters a segment",
	"segment.exited": "a lead leaves a segment",
	"account.qualified": "a company qualifies (MQA)",
};

/** A share as a percentage to one decimal ("—" when there is none to give). */
export const percent = (r: number | null) => (r === null ? "—" : `${Math.round(r * 1000) / 10}%`);

/** The entries of a words list, in its order, typed by its keys. */
export const entriesOf = <K extends string>(words: Record<K, string>) => Object.entries(words) as Array<[K, string]>;

/** A value's words, or the value itself when it is not one the list knows (old data). */
export const wordFor = <K extends string>(words: Record<K, string>, value: string | null): string =>
	value === null ? "" : ((words as Record<string, string>)[value] ?? value);

export const OP_WORDS: Record<ConditionOp, string> = {
	equals: "is",
	notEquals: "is not",
	in: "is one of",
	notIn: "is none of",
	contains: "contains",
	startsWith: "starts with",
	endsWith: "ends with",
	matches: "matches the pattern",
	gt: "is more than",
	gte: "is at least",
	lt: "is less than",
	lte: "is at most",
	between: "is between",
	exists: "is known",
	missing: "is not known",
	isFreeMail: "is a free e-mail address",
	inList: "is in the list",
};

export const CAP_WORDS: Record<Cap, string> = {
	none: "every time",
	ever: "once ever",
	day: "once a day",
	week: "once a week",
};
