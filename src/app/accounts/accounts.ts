import { sql } from "kysely";
import { type BuyingRole, buyingRole, scoreAccount } from "../../domain/accounts/account-score.js";
import { AppError } from "../../domain/errors.js";
import type { Traits } from "../../domain/traits.js";
import type {
	Account,
	AccountDetail,
	AccountPage,
	AccountPatch,
	AccountSettings,
	AccountTimeline,
} from "../../schemas/accounts.js";
import { activeVersion } from "../../storage/active-version.js";
import type { Db } from "../../storage/database.js";
import { containing } from "../../storage/like-pattern.js";
import { inTransaction } from "../../storage/transaction.js";
import { decodeCursor, encodeCursor } from "../cursor.js";
import { rollUpAccounts } from "./account-rollup.js";
import { accountModel, saveAccountModel, settingsOf } from "./account-settings.js";

interface AccountRow {
	id: string;
	name: string | null;
	domain: string | null;
	group_id: string | null;
	traits: Traits;
	owner_id: string | null;
	owner_name: string | null;
	named: boolean;
	members: number;
	fit: number;
	engagement: number;
	engaged_people: number;
	roles: Partial<Record<BuyingRole, number>>;
	qualified_at: Date | null;
}

const accountOf = (r: AccountRow): Account => ({
	id: r.id,
	name: r.name,
	domain: r.domain,
	groupId: r.group_id,
	traits: r.traits,
	ownerId: r.owner_id,
	ownerName: r.owner_name,
	named: r.named,
	members: r.members,
	fit: r.fit,
	engagement: r.engagement,
	engagedPeople: r.engaged_people,
	roles: { decision_maker: r.roles.decision_maker ?? 0, influencer: r.roles.influencer ?? 0, user: r.roles.user ?? 0 },
	qualifiedAt: r.qualified_at ? new Date(r.qualified_at).toISOString() : null,
});

const SELECT = sql`select a.id, a.name, a.domain, a.group_id, a.traits, a.owner_id, o.name as owner_name, a.named,
	a.members, a.fit, a.engagement, a.engaged_people, a.roles, a.qualified_at
	from accounts a left join owners o on o.id = a.owner_id`;

const ORDER = {
	engagement: sql`a.engagement desc, a.fit desc`,
	fit: sql`a.fit desc, a.engagement desc`,
	members: sql`a.members desc, a.engagement desc`,
	name: sql`lower(coalesce(a.name, a.domain, a.group_id))`,
} as const;

/** Companies with members, the most engaged first (or as asked), a page at a time, with how many match. */
export async function listAccounts(
	db: Db,
	query: {
		q?: string | undefined;
		qualified?: "true" | "false" | undefined;
		owner?: string | undefined;
		sort: keyof typeof ORDER;
		limit: number;
		offset: number;
	},
): Promise<AccountPage> {
	const pattern = query.q ? containing(query.q) : null;
	const where = sql`a.members > 0
		and (${pattern}::text is null or a.name ilike ${pattern} or a.domain ilike ${pattern})
		and (${query.qualified ?? null}::text is null or (a.qualified_at is not null) = (${query.qualified ?? null}::text = 'true'))
		and (${query.owner ?? null}::uuid is null or a.owner_id = ${query.owner ?? null}::uuid)`;
	const [rows, total] = await Promise.all([
		sql<AccountRow>`${SELECT} where ${where} order by ${ORDER[query.sort]}, a.id
			limit ${query.limit} offset ${query.offset}`.execute(db),
		sql<{ n: number }>`select count(*)::int as n from accounts a where ${where}`.execute(db),
	]);
	return { data: rows.rows.map(accountOf), total: total.rows[0]?.n ?? 0 };
}

/** A company with its people (scores and roles), and its score explained by the same rules that made it. */
export async function getAccount(db: Db, id: string): Promise<AccountDetail> {
	const row = (await sql<AccountRow>`${SELECT} where a.id = ${id}::uuid`.execute(db)).rows[0];
	if (!row) throw new AppError("not_found", `No account ${id}.`);
	const people = await sql<{
		id: string;
		email: string | null;
		stage: string;
		traits: Traits;
		fit: number | null;
		engagement: number;
		last_seen_at: Date;
	}>`select l.id, l.email, l.stage, l.traits, s.fit, coalesce(s.engagement, 0)::float8 as engagement, l.last_seen_at
		from leads l left join lead_scores s on s.lead_id = l.id and s.model_version = ${activeVersion}
		where l.account_id = ${id}::uuid and l.merged_into is null`.execute(db);
	const model = await accountModel(db);
	const score = scoreAccount(
		model,
		row.traits,
		people.rows.map((p) => ({ id: p.id, traits: p.traits, engagement: p.engagement })),
	);
	const byId = new Map(people.rows.map((p) => [p.id, p]));
	const text = (v: unknown) => (typeof v === "string" && v.trim() ? v : null);
	return {
		...accountOf(row),
		people: score.contributions.map((c) => {
			const p = byId.get(c.leadId) as (typeof people.rows)[number];
			const name = [text(p.traits.firstName), text(p.traits.lastName)].filter(Boolean).join(" ");
			return {
				id: p.id,
				email: p.email,
				name: name || null,
				title: text(p.traits.title),
				stage: p.stage,
				role: buyingRole(p.traits),
				fit: p.fit,
				engagement: c.engagement,
				counted: c.counted,
				lastSeenAt: new Date(p.last_seen_at).toISOString(),
			};
		}),
		explanation: {
			fitRules: score.fitRules,
			personCap: model.personCap,
			qualifies: score.qualified,
			reason: score.reason,
		},
	};
}

/** Sets a company's owner by hand; a named account keeps it, whatever routing would say. */
export async function updateAccount(db: Db, id: string, patch: AccountPatch): Promise<AccountDetail> {
	await inTransaction(db, async (trx) => {
		if (patch.ownerId) {
			const owner = await trx.selectFrom("owners").select("id").where("id", "=", patch.ownerId).executeTakeFirst();
			if (!owner)
				throw new AppError("validation_failed", "No such owner.", [
					{ field: "ownerId", message: "no owner with this id" },
				]);
		}
		const updated = await trx
			.updateTable("accounts")
			.set({
				...(patch.ownerId !== undefined ? { owner_id: patch.ownerId } : {}),
				...(patch.named !== undefined ? { named: patch.named } : {}),
			})
			.where("id", "=", id)
			.executeTakeFirst();
		if (Number(updated.numUpdatedRows) === 0) throw new AppError("not_found", `No account ${id}.`);
	});
	return getAccount(db, id);
}

/** The company's combined timeline: every member's events, newest first, a page at a time. */
export async function accountTimeline(
	db: Db,
	id: string,
	query: { limit: number; cursor?: string | undefined },
): Promise<AccountTimeline> {
	const after = query.cursor ? decodeCursor(query.cursor) : null;
	const rows = await sql<{
		lead_id: string;
		email: string | null;
		type: string;
		name: string | null;
		at: Date;
		message_id: string;
	}>`
		select e.lead_id, l.email, e.type, coalesce(e.event, e.page_path, e.name) as name, e.timestamp as at, e.message_id
		from events e join leads l on l.id = e.lead_id
		where l.account_id = ${id}::uuid and l.merged_into is null
			${after ? sql`and (e.timestamp, e.message_id) < (${after.at}::timestamptz, ${after.id})` : sql``}
		order by e.timestamp desc, e.message_id desc limit ${query.limit + 1}`.execute(db);
	const page = rows.rows.slice(0, query.limit);
	const last = page[page.length - 1];
	return {
		data: page.map((r) => ({
			leadId: r.lead_id,
			email: r.email,
			type: r.type,
			name: r.name,
			at: new Date(r.at).toISOString(),
		})),
		nextCursor:
			rows.rows.length > query.limit && last ? encodeCursor(new Date(last.at).toISOString(), last.message_id) : null,
	};
}

export async function getAccountSettings(db: Db): Promise<AccountSettings> {
	return settingsOf(await accountModel(db));
}

/**
 * Saves the account model and recomputes every company under it, a chunk per transaction (a
 * company that now qualifies is an MQA as at once).
 */
export async function saveAccountSettings(db: Db, settings: AccountSettings, now: Date): Promise<AccountSettings> {
	const model = await inTransaction(db, (trx) => saveAccountModel(trx, settings, now));
	let after = "00000000-0000-0000-0000-000000000000";
	for (;;) {
		const done = await inTransaction(db, async (trx) => {
			const ids = await sql<{
				id: string;
			}>`select id from accounts where id > ${after}::uuid order by id limit 500`.execute(trx);
			await rollUpAccounts(
				trx,
				ids.rows.map((r) => r.id),
				now,
				{ model },
			);
			return ids.rows[ids.rows.length - 1]?.id ?? null;
		});
		if (!done) break;
		after = done;
	}
	return settingsOf(model);
}
