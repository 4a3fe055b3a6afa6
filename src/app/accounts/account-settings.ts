import { sql, type Transaction } from "kysely";
import { type AccountModel, DEFAULT_ACCOUNT_MODEL } from "../../domain/accounts/account-score.js";
import { AppError } from "../../domain/errors.js";
import { parseSegment, printSegment, SegmentSyntaxError } from "../../domain/segments/segment-text.js";
import type { AccountSettings } from "../../schemas/accounts.js";
import type { SegmentCondition } from "../../schemas/segments.js";
import type { Db } from "../../storage/database.js";
import type { Tables } from "../../storage/tables.js";

type Executor = Db | Transaction<Tables>;

/** A fit rule may test only the company's traits: and, or, not over trait tests. */
function onlyTraits(c: SegmentCondition): boolean {
	if ("all" in c) return c.all.every(onlyTraits);
	if ("any" in c) return c.any.every(onlyTraits);
	if ("not" in c) return onlyTraits(c.not);
	return "trait" in c && c.trait !== undefined;
}

/** The settings as written (conditions as text) into the model scoring uses, or the problems by field. */
export function accountModelOf(settings: AccountSettings): AccountModel {
	const problems: Array<{ field: string; message: string }> = [];
	const fitRules = settings.fitRules.flatMap((rule, i) => {
		try {
			const when = parseSegment(rule.when);
			if (!onlyTraits(when)) {
				problems.push({ field: `fitRules.${i}.when`, message: "a fit rule tests only the company's traits" });
				return [];
			}
			return [{ label: rule.label, when, points: rule.points }];
		} catch (error) {
			if (!(error instanceof SegmentSyntaxError)) throw error;
			problems.push({ field: `fitRules.${i}.when`, message: error.message });
			return [];
		}
	});
	if (problems.length > 0) throw new AppError("validation_failed", "The account model has problems.", problems);
	return { fitRules, personCap: settings.personCap, mqa: settings.mqa };
}

export function settingsOf(model: AccountModel): AccountSettings {
	return {
		fitRules: model.fitRules.map((r) => ({ label: r.label, when: printSegment(r.when), points: r.points })),
		personCap: model.personCap,
		mqa: model.mqa,
	};
}

// The model read on every roll-up (each ingest batch): its rules are parsed once per saved version.
let parsed: { version: string; model: AccountModel } | null = null;

/** The account model in force: the saved one, or the default until one is saved. */
export async function accountModel(db: Executor): Promise<AccountModel> {
	const row = await sql<{ settings: AccountSettings; version: string }>`select settings, md5(settings::text) as version
		from account_settings where id = 1`.execute(db);
	const saved = row.rows[0];
	if (!saved) return DEFAULT_ACCOUNT_MODEL;
	if (parsed?.version !== saved.version) parsed = { version: saved.version, model: accountModelOf(saved.settings) };
	return parsed.model;
}

export async function saveAccountModel(trx: Transaction<Tables>, settings: AccountSettings, now: Date) {
	const model = accountModelOf(settings);
	const stored = JSON.stringify(settingsOf(model));
	await trx
		.insertInto("account_settings")
		.values({ id: 1, settings: stored, updated_at: now })
		.onConflict((oc) => oc.column("id").doUpdateSet({ settings: stored, updated_at: now }))
		.execute();
	return model;
}
