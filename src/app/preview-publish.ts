import { sql } from "kysely";
import { AppError } from "../domain/errors.js";
import { becomesMql } from "../domain/lifecycle.js";
import { compileModel } from "../domain/scoring/compile-model.js";
import type { PublishPreview } from "../schemas/scoring-model.js";
import { activeVersion } from "../storage/active-version.js";
import type { Db } from "../storage/database.js";
import { replayAll } from "./replay.js";
import { getModel } from "./scoring-models.js";

interface Row {
	qualified: boolean | null;
	grade: string | null;
	temperature: string | null;
}

/**
 * What publishing a model would do, without writing anything: every live lead scored under it
 * from its whole history, as the publish's rescore will, compared with the active model.
 */
export async function previewPublish(db: Db, id: string, now: Date): Promise<PublishPreview> {
	const started = performance.now();
	const { document } = await getModel(db, id);
	const compiled = compileModel(document);
	if (!compiled.ok)
		throw new AppError("validation_failed", "The model has problems; fix them first.", compiled.problems);
	const model = compiled.model;
	const preview: PublishPreview = {
		leads: 0,
		newMqls: 0,
		qualifiedNow: 0,
		qualifiedAfter: 0,
		gradeChanges: 0,
		temperatureChanges: 0,
		byGrade: { A: 0, B: 0, C: 0, D: 0 },
		byTemperature: { hot: 0, warm: 0, cold: 0 },
		examples: [],
		stopping: [],
		elapsedMs: 0,
	};
	await replayAll<Row>(db, model, {
		asOf: now.getTime(),
		chunkSize: 1000,
		extra: {
			columns: sql`s.qualified, s.grade, s.temperature`,
			join: sql`left join lead_scores s on s.lead_id = l.id and s.model_version = ${activeVersion}`,
		},
		onRange: (_trx, leads) => {
			for (const { row: lead, profile, score } of leads) {
				preview.leads++;
				if (lead.qualified) preview.qualifiedNow++;
				if (score.qualification.qualified) preview.qualifiedAfter++;
				else if (lead.qualified && preview.stopping.length < 20)
					preview.stopping.push({ id: lead.id, email: lead.email, reason: score.qualification.reason });
				if (lead.grade !== null && lead.grade !== score.grade) preview.gradeChanges++;
				if (lead.temperature !== null && lead.temperature !== score.temperature) preview.temperatureChanges++;
				preview.byGrade[score.grade] = (preview.byGrade[score.grade] ?? 0) + 1;
				preview.byTemperature[score.temperature] = (preview.byTemperature[score.temperature] ?? 0) + 1;
				// A publish scores under a new version, so no lead "was qualified" under it yet.
				const crossing = { stage: lead.stage, wasQualified: false, qualified: score.qualification.qualified };
				if (becomesMql({ ...crossing, cooldownUntil: profile.cooldownUntil, now: now.getTime() })) {
					preview.newMqls++;
					if (preview.examples.length < 20)
						preview.examples.push({ id: lead.id, email: lead.email, reason: score.qualification.reason });
				}
			}
		},
	});
	preview.elapsedMs = performance.now() - started;
	return preview;
}
