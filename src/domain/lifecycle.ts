import type { FieldProblem } from "./errors.js";
import { STAGES, type Stage } from "./stages.js";

export const ACTORS = ["automation", "marketing", "sales", "admin"] as const;
export type Actor = (typeof ACTORS)[number];

export const REJECTION_REASONS = [
	"bad_fit",
	"no_budget",
	"no_need_now",
	"unreachable",
	"duplicate",
	"competitor",
	"student",
	"other",
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** What a move must carry: a reason a person wrote, a sales rejection reason, or nothing. */
export type Requirement = "reason" | "rejection";

interface Rule {
	actors: readonly Actor[];
	needs: readonly Requirement[];
}

/**
 * The allowed moves: from → to → who may make it and what it needs. Anything not listed is
 * refused, except that an admin may correct any stage with a written reason. Automation only
 * moves forward from the top of the funnel (to MQL when a lead qualifies, to opportunity and
 * customer on CRM events) and never moves a lead at SQL or beyond back.
 */
const TABLE: Partial<Record<Stage, Partial<Record<Stage, Rule>>>> = {
	subscriber: {
		lead: { actors: ["automation", "marketing", "admin"], needs: [] },
		mql: { actors: ["automation", "marketing", "admin"], needs: [] },
		disqualified: { actors: ["marketing", "admin"], needs: ["reason"] },
	},
	lead: {
		mql: { actors: ["automation", "marketing", "admin"], needs: [] },
		disqualified: { actors: ["marketing", "admin"], needs: ["reason"] },
	},
	recycled: {
		lead: { actors: ["marketing", "admin"], needs: [] },
		mql: { actors: ["automation", "marketing", "admin"], needs: [] },
		disqualified: { actors: ["marketing", "admin"], needs: ["reason"] },
	},
	mql: {
		sql: { actors: ["sales", "admin"], needs: [] },
		recycled: { actors: ["sales", "admin"], needs: ["rejection"] },
		disqualified: { actors: ["sales", "admin"], needs: ["rejection"] },
		lead: { actors: ["marketing", "admin"], needs: ["reason"] },
	},
	sql: {
		opportunity: { actors: ["automation", "sales", "admin"], needs: [] },
		recycled: { actors: ["sales", "admin"], needs: ["rejection"] },
		disqualified: { actors: ["sales", "admin"], needs: ["rejection"] },
	},
	opportunity: {
		customer: { actors: ["automation", "sales", "admin"], needs: [] },
		recycled: { actors: ["sales", "admin"], needs: ["rejection"] },
		disqualified: { actors: ["sales", "admin"], needs: ["rejection"] },
	},
	disqualified: {
		lead: { actors: ["marketing", "admin"], needs: ["reason"] },
	},
};

export interface MoveRequest {
	from: Stage;
	to: Stage;
	actor: Actor;
	reason?: string | null;
	rejection?: RejectionReason | null;
}

export type MoveVerdict = { allowed: true } | { allowed: false; message: string; problems: FieldProblem[] };

/** Whether a move is allowed, and if not, why, naming the missing field. */
export function checkMove(move: MoveRequest): MoveVerdict {
	const { from, to, actor } = move;
	if (from === to) return refuse(`the lead is already ${to}`, "to");
	const rule = TABLE[from]?.[to];
	const hasReason = typeof move.reason === "string" && move.reason.trim().length > 0;
	if (!rule || !rule.actors.includes(actor)) {
		if (actor === "admin") {
			return hasReason ? { allowed: true } : refuse("an admin correction needs a reason", "reason");
		}
		const who = rule ? rule.actors.filter((a) => a !== "automation").join(" or ") : null;
		return refuse(
			rule ? `only ${who} may move a lead from ${from} to ${to}` : `a lead cannot move from ${from} to ${to}`,
			"to",
		);
	}
	if (rule.needs.includes("reason") && !hasReason) return refuse(`moving to ${to} needs a reason`, "reason");
	if (rule.needs.includes("rejection") && !move.rejection)
		return refuse(
			`moving from ${from} to ${to} needs a rejection reason (${REJECTION_REASONS.join(", ")})`,
			"rejection",
		);
	return { allowed: true };
}

/** The moves an actor may make from a stage, with what each needs; an admin may correct to any stage with a reason. */
export function movesFor(from: Stage, actor: Actor): Array<{ to: Stage; needs: Requirement[] }> {
	return STAGES.filter((to) => to !== from).flatMap((to) => {
		const rule = TABLE[from]?.[to];
		if (rule?.actors.includes(actor)) return [{ to, needs: [...rule.needs] }];
		return actor === "admin" ? [{ to, needs: ["reason" as const] }] : [];
	});
}

function refuse(message: string, field: string): MoveVerdict {
	return { allowed: false, message, problems: [{ field, message }] };
}

/**
 * Whether automation makes a lead an MQL now: it has just crossed into qualifying (it did
 * not qualify at its last scoring), it is at the top of the funnel, and any cooldown after
 * a rejection has passed. One crossing, one MQL, however often the lead is scored.
 */
export function becomesMql(lead: {
	stage: string;
	wasQualified: boolean;
	qualified: boolean;
	cooldownUntil: number | null;
	now: number;
}): boolean {
	const top = lead.stage === "subscriber" || lead.stage === "lead" || lead.stage === "recycled";
	const cooled = lead.cooldownUntil === null || lead.now >= lead.cooldownUntil;
	return top && cooled && lead.qualified && !lead.wasQualified;
}
