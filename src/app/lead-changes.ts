import type { Transaction } from "kysely";
import type { Tables } from "../storage/tables.js";
import { linkAccounts, rollUpAccounts, rollUpAccountsOf } from "./accounts/account-rollup.js";
import { recheckSegments } from "./segments/segment-membership.js";

/**
 * What a change to leads' profiles or events sets going, in the change's own transaction. First,
 * before scoring, each lead is linked to its company (so an MQL made by the scores goes to the
 * company's owner); then, once scored, `follow` rolls the companies up (which may make an MQA)
 * and re-checks the leads' segments (which may test the company).
 */
export async function linkLeadChanges(
	trx: Transaction<Tables>,
	leadIds: readonly string[],
	/** the leads that made a group call or took in another's history in this change */
	groupsChanged: ReadonlySet<string> = new Set(),
) {
	const accounts = await linkAccounts(trx, leadIds, groupsChanged);
	return {
		/** `history`: imported history, whose MQAs are recorded but handed to no one */
		follow: async (now: Date, history = false) => {
			await rollUpAccounts(trx, accounts, now, { history });
			await recheckSegments(trx, leadIds, now);
		},
	};
}

/** What follows new scores alone (a refresh, a rescore): the companies' roll-ups, then the segments. */
export async function followScoreChanges(trx: Transaction<Tables>, leadIds: readonly string[], now: Date) {
	await rollUpAccountsOf(trx, leadIds, now);
	await recheckSegments(trx, leadIds, now);
}
