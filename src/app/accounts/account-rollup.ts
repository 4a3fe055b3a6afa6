/**
 * The one writer of accounts and of leads' account links. Called in the transaction of the
 * change that touched the leads (ingest, trait edits, score refreshes, rescoring, merges,
 * deletes): each lead is linked to its company, then each company touched is recomputed whole
 * from its members under its row lock, so the stored figures always equal a full recomputation
 * whatever order events arrive in. A company that crosses into qualifying (MQA) is announced and
 * its most engaged member not yet with sales becomes an MQL, handed to the account's owner.
 */
import { randomUUID } from "node:crypto";
import { sql, type Transaction } from "kysely";
import {
	type AccountModel,
	type AccountScore,
	accountTraits,
	scoreAccount,
	workDomain,
} from "../../domain/accounts/account-score.js";
import type { Traits } from "../../domain/traits.js";
import { activeVersion } from "../../storage/active-version.js";
import type { Tables } from "../../storage/tables.js";
import { applyMove } from "../stage-moves.js";
import { emitEvent } from "../webhook-events.js";
import { accountModel } from "./account-settings.js";

type Trx = Transaction<Tables>;

/**
 * Links each lead to the company it belongs to now (its latest group call's, else its work
 * e-mail domain's; a merged lead to none), making the companies not yet known. Returns the
 * accounts whose members changed or may have: before and after. Only the leads in
 * `groupsChanged` (a group call or a merge in this change) have their events searched for group
 * calls; any other lead keeps the group it had, so a change costs the same however long a
 * lead's history is.
 */
export async function linkAccounts(
	trx: Trx,
	leadIds: readonly string[],
	groupsChanged: ReadonlySet<string> = new Set(),
): Promise<Set<string>> {
	if (leadIds.length === 0) return new Set();
	const rows = await sql<{
		id: string;
		email: string | null;
		account_id: string | null;
		merged: boolean;
		group_id: string | null;
	}>`
		select l.id, l.email, l.account_id, l.merged_into is not null as merged, coalesce(g.name, a.group_id) as group_id
		from leads l left join accounts a on a.id = l.account_id
		left join lateral (select e.name from events e where l.id = any(${[...groupsChanged]}::uuid[])
			and e.lead_id = l.id and e.type = 'group' and e.name is not null
			order by e.timestamp desc, e.message_id desc limit 1) g on true
		where l.id = any(${[...new Set(leadIds)]}::uuid[])`.execute(trx);
	const wants = rows.rows.map((r) => ({
		id: r.id,
		current: r.account_id,
		group: r.merged ? null : r.group_id,
		domain: r.merged || r.group_id ? null : workDomain(r.email),
	}));
	const groups = [...new Set(wants.flatMap((w) => (w.group ? [w.group] : [])))].sort();
	const domains = [...new Set(wants.flatMap((w) => (w.domain ? [w.domain] : [])))].sort();
	const known = await sql<{ id: string; group_id: string | null; domain: string | null }>`
		with made_groups as (
			insert into accounts (id, group_id, name)
			select id, g, g from unnest(${groups.map(() => randomUUID())}::uuid[], ${groups}::text[]) as x(id, g)
			on conflict (group_id) do nothing returning id, group_id, domain),
		made_domains as (
			insert into accounts (id, domain, name)
			select id, d, d from unnest(${domains.map(() => randomUUID())}::uuid[], ${domains}::text[]) as x(id, d)
			on conflict (domain) do nothing returning id, group_id, domain)
		select id, group_id, domain from made_groups union all select id, group_id, domain from made_domains
		union all select id, group_id, domain from accounts
			where group_id = any(${groups}::text[]) or domain = any(${domains}::text[])`.execute(trx);
	const byGroup = new Map(known.rows.flatMap((a) => (a.group_id ? [[a.group_id, a.id] as const] : [])));
	const byDomain = new Map(known.rows.flatMap((a) => (a.domain ? [[a.domain, a.id] as const] : [])));
	const affected = new Set<string>();
	const changes: Array<{ id: string; account: string | null }> = [];
	for (const w of wants) {
		const account = w.group ? (byGroup.get(w.group) ?? null) : w.domain ? (byDomain.get(w.domain) ?? null) : null;
		if (w.current) affected.add(w.current);
		if (account) affected.add(account);
		if (account !== w.current) changes.push({ id: w.id, account });
	}
	if (changes.length > 0)
		await sql`update leads l set account_id = c.account
			from unnest(${changes.map((c) => c.id)}::uuid[], ${changes.map((c) => c.account)}::uuid[]) as c(id, account)
			where l.id = c.id`.execute(trx);
	return affected;
}

interface MemberRow {
	id: string;
	account_id: string;
	stage: string;
	traits: Traits;
	engagement: number;
	group_traits: Traits | null;
}

/** Recomputes the accounts whole from their members, in id order under their row locks. */
export async function rollUpAccounts(
	trx: Trx,
	accountIds: Iterable<string>,
	now: Date,
	options: { model?: AccountModel; history?: boolean } = {},
): Promise<void> {
	const ids = [...new Set(accountIds)].sort();
	if (ids.length === 0) return;
	const accounts = await sql<{ id: string; group_id: string | null; domain: string | null; qualified_at: Date | null }>`
		select id, group_id, domain, qualified_at from accounts where id = any(${ids}::uuid[]) order by id for update`.execute(
		trx,
	);
	// each member's latest call to its company's group, oldest first: later calls' traits win
	const members = await sql<MemberRow>`
		select l.id, l.account_id, l.stage, l.traits, coalesce(s.engagement, 0)::float8 as engagement, g.traits as group_traits
		from leads l join accounts a on a.id = l.account_id
		left join lead_scores s on s.lead_id = l.id and s.model_version = ${activeVersion}
		left join lateral (select e.traits, e.timestamp, e.message_id from events e where a.group_id is not null
			and e.lead_id = l.id and e.type = 'group' and e.name = a.group_id
			order by e.timestamp desc, e.message_id desc limit 1) g on true
		where l.account_id = any(${ids}::uuid[]) and l.merged_into is null
		order by g.timestamp nulls first, g.message_id nulls first, l.id`.execute(trx);
	const rules = options.model ?? (await accountModel(trx));
	const byAccount = new Map<string, MemberRow[]>();
	for (const m of members.rows) {
		const list = byAccount.get(m.account_id);
		if (list) list.push(m);
		else byAccount.set(m.account_id, [m]);
	}
	const results = accounts.rows.map((a) => {
		const people = byAccount.get(a.id) ?? [];
		const groupTraits = Object.assign({}, ...people.map((p) => p.group_traits ?? {})) as Traits;
		const traits = accountTraits(
			groupTraits,
			people.map((p) => p.traits),
		);
		const score = scoreAccount(rules, traits, people);
		const name = typeof traits.name === "string" && traits.name.trim() ? traits.name.trim() : (a.group_id ?? a.domain);
		return { account: a, people, traits, score, name };
	});
	await sql`update accounts a set name = r.name, traits = r.traits::jsonb, members = r.members, fit = r.fit,
			engagement = r.engagement, engaged_people = r.engaged, roles = r.roles::jsonb, rolled_up_at = ${now},
			qualified_at = case when not r.qualified then null else coalesce(a.qualified_at, ${now}::timestamptz) end
		from unnest(${results.map((r) => r.account.id)}::uuid[], ${results.map((r) => r.name)}::text[],
			${results.map((r) => JSON.stringify(r.traits))}::text[], ${results.map((r) => r.people.length)}::int[],
			${results.map((r) => r.score.fit)}::float8[], ${results.map((r) => r.score.engagement)}::float8[],
			${results.map((r) => r.score.engagedPeople)}::int[], ${results.map((r) => JSON.stringify(r.score.roles))}::text[],
			${results.map((r) => r.score.qualified)}::boolean[])
			as r(id, name, traits, members, fit, engagement, engaged, roles, qualified)
		where a.id = r.id`.execute(trx);
	for (const r of results)
		if (r.score.qualified && r.account.qualified_at === null)
			await qualify(trx, r.account.id, r.name, r.people, r.score, now, options.history ?? false);
}

/** The account has just qualified: announce it, and give sales its most engaged member not yet with them. */
async function qualify(
	trx: Trx,
	accountId: string,
	name: string | null,
	people: readonly MemberRow[],
	score: AccountScore,
	now: Date,
	history: boolean,
) {
	// a member another transaction holds is passed over: that one will find the account qualified already
	const free = await sql<{ id: string; stage: "subscriber" | "lead" }>`select id, stage from leads
		where id = any(${people.map((p) => p.id)}::uuid[]) and stage in ('subscriber', 'lead') and merged_into is null
		for update skip locked`.execute(trx);
	const stageOf = new Map(free.rows.map((r) => [r.id, r.stage]));
	const best = score.contributions.find((c) => stageOf.has(c.leadId));
	if (!history)
		await emitEvent(trx, "account.qualified", {
			account: { id: accountId, name, fit: score.fit, engagement: score.engagement, roles: score.roles },
			reason: score.reason,
			leadId: best?.leadId ?? null,
		});
	if (!best) return; // sales already works its people
	await applyMove(trx, {
		leadId: best.leadId,
		from: stageOf.get(best.leadId) ?? "lead",
		to: "mql",
		actor: "automation",
		reason: `its account ${name ?? ""} qualified (MQA): ${score.reason}`,
		now,
		history,
		context: { account: { id: accountId, name } },
	});
}

/** What follows a change to leads' scores alone: their companies rolled up. */
export async function rollUpAccountsOf(trx: Trx, leadIds: readonly string[], now: Date): Promise<void> {
	if (leadIds.length === 0) return;
	const rows = await sql<{ account_id: string }>`select distinct account_id from leads
		where id = any(${[...leadIds]}::uuid[]) and account_id is not null`.execute(trx);
	await rollUpAccounts(
		trx,
		rows.rows.map((r) => r.account_id),
		now,
	);
}
