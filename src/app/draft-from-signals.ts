import { AppError } from "../domain/errors.js";
import { draftFromSuggestions } from "../domain/scoring/suggest-rules.js";
import type { ScoringModelWithDocument } from "../schemas/scoring-model.js";
import type { DraftFromSignals } from "../schemas/signals.js";
import type { Db } from "../storage/database.js";
import { activeModelRow } from "./active-model.js";
import { createDraft, getModel } from "./scoring-models.js";
import { signalsReport } from "./signals-report.js";

/**
 * A draft whose rules are the signals report's suggestions for a period (traits as fit rules,
 * events as engagement rules, each with its suggested points), on the active model's lists,
 * bands, hand-raisers and disqualifiers. Signals that give the outcome away are never used.
 */
export async function draftFromSignals(
	db: Db,
	input: DraftFromSignals & { engagementAtLeast: number; zone: string; minLeads: number },
	now: Date,
): Promise<ScoringModelWithDocument> {
	const report = await signalsReport(db, { ...input, limit: 1000 }, now);
	const suggestions = report.signals.flatMap((s) =>
		s.points !== null && s.kind !== "rule"
			? [
					{
						kind: s.kind,
						key: s.key,
						points: s.points,
						reason:
							`${s.label}: ${Math.round((s.sql.rate ?? 0) * 100)}% reached SQL against ${Math.round((s.sql.baseline ?? 0) * 100)}% without (${s.leads} leads, ${report.period.from} – ${report.period.to})`.slice(
								0,
								500,
							),
					},
				]
			: [],
	);
	if (suggestions.length === 0)
		throw new AppError(
			"conflict",
			`No signal in ${report.period.from} – ${report.period.to} is clear enough to suggest a rule: ${report.leads} leads, ${report.sqlLeads} reached SQL.`,
		);
	const active = await activeModelRow(db);
	if (!active) throw new AppError("not_found", "No model is published.");
	const base = await getModel(db, active.id);
	const document = draftFromSuggestions(base.document, suggestions, {
		name: `Signals ${report.period.from} – ${report.period.to}`,
		description: `Built from the signals of the leads first seen ${report.period.from} – ${report.period.to} (${report.leads} leads, ${report.sqlLeads} reached SQL): 10 points for each doubling of the SQL rate. Backtest it before publishing.`,
		engagementAtLeast: input.engagementAtLeast,
	});
	return createDraft(db, { document, basedOn: active.id });
}
