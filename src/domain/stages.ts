export const STAGES = [
	"subscriber",
	"lead",
	"mql",
	"sql",
	"opportunity",
	"customer",
	"recycled",
	"disqualified",
] as const;
export type Stage = (typeof STAGES)[number];

const FUNNEL_RANK: Record<Stage, number> = {
	subscriber: 0,
	recycled: 1,
	lead: 1,
	disqualified: 1,
	mql: 2,
	sql: 3,
	opportunity: 4,
	customer: 5,
};

export function isStage(value: string): value is Stage {
	return (STAGES as readonly string[]).includes(value);
}

/** When two records of one person merge, the one further down the funnel keeps its stage. */
export function furtherStage(a: string, b: string): string {
	const rankA = isStage(a) ? FUNNEL_RANK[a] : 0;
	const rankB = isStage(b) ? FUNNEL_RANK[b] : 0;
	return rankB > rankA ? b : a;
}
