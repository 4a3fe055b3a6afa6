/**
 * Segments a team can start from, as the seeds advise: speak differently to MQLs who already
 * talked to sales, by region, to decision-makers in the industries you sell to, by stage of the
 * buyer's journey, to MQLs left waiting, and to good-fit people who have gone quiet. Each is only
 * text: the builder opens it for the team to adapt (their regions, industries, thresholds).
 */
export interface StartingSegment {
	name: string;
	why: string;
	text: string;
}

export const STARTING_SEGMENTS: readonly StartingSegment[] = [
	{
		name: "MQLs who replied or were called",
		why: "They have talked to you: follow up personally, not with a sequence.",
		text: 'stage = mql and (count(touch "call" where properties.outcome = "connected") >= 1 or count(touch "meeting") >= 1 or count(track "Email Replied") >= 1)',
	},
	{
		name: "MQLs in Europe",
		why: "By region: local language, local events, office hours that suit them. Adapt the countries.",
		text: 'stage = mql and country in ("Germany", "France", "Netherlands", "United Kingdom", "Spain", "Italy", "DE", "FR", "NL", "GB", "ES", "IT")',
	},
	{
		name: "Decision-makers in target industries",
		why: "The people who sign, in the industries that buy most. Adapt the industries.",
		text: 'seniority in ("C-level", "VP", "Director") and industry in ("Software", "Financial Services")',
	},
	{
		name: "Journey: top of the funnel",
		why: "Early and not yet engaged: teach, do not sell.",
		text: "stage in (subscriber, lead) and not temperature in (warm, hot)",
	},
	{
		name: "Journey: middle of the funnel",
		why: "Engaging but not yet qualified: case studies, comparisons, webinars.",
		text: "stage in (subscriber, lead) and temperature in (warm, hot)",
	},
	{
		name: "Journey: bottom of the funnel",
		why: "Qualified and in talks: pricing, proof, a call.",
		text: "stage in (mql, sql, opportunity)",
	},
	{
		name: "MQLs waiting over 14 days",
		why: "Handed over and left without an outcome: chase sales or take them back to nurture.",
		text: "stage = mql and days_since(stage_changed) > 14",
	},
	{
		name: "Quiet lurkers",
		why: "A good fit who has gone quiet: a personal note can wake them up.",
		text: "grade in (A, B) and temperature = cold and days_since(last_seen) > 14",
	},
];
