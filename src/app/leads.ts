import { type RawBuilder, type Selectable, sql } from "kysely";
import { isUuid } from "../domain/ids.js";
import { normalizeTraits } from "../domain/traits.js";
import type { Lead, LeadDetail, LeadEvent, LeadListQuery, LeadPatch, LeadScoreSummary } from "../schemas/leads.js";
import { activeVersion } from "../storage/active-version.js";
import type { Db } from "../storage/database.js";
import { REACH_RANK, reachedRank } from "../storage/funnel-reach.js";
import { PROFILE_COLUMNS } from "../storage/lead-profile.js";
import { inScope } from "../storage/lead-scope.js";
import { containing } from "../storage/like-pattern.js";
import type { LeadsTable } from "../storage/tables.js";
import { inTransaction } from "../storage/transaction.js";
import { rollUpAccounts } from "./accounts/account-rollup.js";
import { decodeCursor, decodeNumberCursor, encodeCursor } from "./cursor.js";
import { findLive } from "./find-lead.js";
import { linkLeadChanges } from "./lead-changes.js";
import { predictionOf } from "./predictive.js";
import { leadForScoring, scoreTouchedLeads } from "./score-leads.js";

type LeadRow = Selectable<LeadsTable>;

const SORT_COLUMNS = { createdAt: "created_at", lastSeenAt: "last_seen_at", updatedAt: "updated_at" } as const;
/** The leads' stored scores under the active model. */
async function scoresOf(db: Db, ids: readonly string[]): Promise<Map<string, LeadScoreSummary>> {
	if (ids.length === 0) return new Map();
	const rows = await db
		.selectFrom("lead_scores")
		.select([
			"lead_id",
			"model_version",
			"fit",
			"engagement",
			"grade",
			"temperature",
			"qualified",
			"qualification",
			"scored_at",
		])
		.where("lead_id", "in", ids)
		.where("model_version", "=", activeVersion)
		.execute();
	return new Map(
		rows.map((r) => [
			r.lead_id,
			{
				modelVersion: r.model_version,
				fit: r.fit,
				engagement: r.engagement,
				grade: r.grade,
				temperature: r.temperature,
				qualified: r.qualified,
				qualification: r.qualification,
				scoredAt: new Date(r.scored_at).toISOString(),
			},
		]),
	);
}

export function toLead(row: LeadRow & { owner_id?: string | null }, score: LeadScoreSummary | null = null): Lead {
	return {
		id: row.id,
		email: row.email,
		userId: row.user_id,
		traits: row.traits,
		timezone: row.timezone,
		consent: { status: row.consent_status, at: row.consent_at?.toISOString() ?? null, source: row.consent_source },
		stage: row.stage as Lead["stage"],
		firstSeenAt: row.first_seen_at.toISOString(),
		lastSeenAt: row.last_seen_at.toISOString(),
		createdAt: row.created_at.toISOString(),
		updatedAt: row.updated_at.toISOString(),
		source: row.source,
		ownerId: row.owner_id ?? null,
		score,
	};
}

const SCORE_EXPRESSIONS = {
	score: sql<number>`s.fit + s.engagement`,
	fit: sql<number>`s.fit`,
	engagement: sql<number>`s.engagement`,
} as const;
/** The owner of the lead's latest handoff. */
const OWNER = sql<string | null>`(select h.owner_id from handoffs h where h.lead_id = leads.id
	order by h.assigned_at desc limit 1)`;

/** Unscored leads sort below every score. */
const NO_SCORE = -1e12;

/** The sort value of each lead, as SQL: a time column, or a score under the active model. */
function sortValue(sort: LeadListQuery["sort"]): RawBuilder<number | Date> {
	if (sort === "score" || sort === "fit" || sort === "engagement")
		return sql<number>`coalesce((select ${SCORE_EXPRESSIONS[sort]} from lead_scores s
			where s.lead_id = leads.id and s.model_version = ${activeVersion}), ${NO_SCORE})`;
	return sql<Date>`leads.${sql.ref(SORT_COLUMNS[sort])}`;
}

/** The filters a lead list carries (everything but its order and page). */
export type LeadFilters = Omit<LeadListQuery, "sort" | "order" | "limit" | "cursor">;

/** The live leads matching the filters, as a query to select from: the list, its export and "add all that match" share it. */
export function filteredLeads(db: Db, query: LeadFilters) {
	let select = db.selectFrom("leads").where("merged_into", "is", null);
	if (query.stage) select = select.where("stage", "=", query.stage);
	if (query.consent) select = select.where("consent_status", "=", query.consent);
	if (query.source)
		select = select.where(
			"source",
			query.source === "(direct)" ? "is" : "=",
			query.source === "(direct)" ? null : query.source,
		);
	if (query.owner)
		select = select.where(
			query.owner === "none"
				? sql<boolean>`not exists (select 1 from handoffs h where h.lead_id = leads.id)`
				: sql<boolean>`${OWNER} = ${query.owner}::uuid`,
		);
	if (query.grade || query.temperature)
		select = select.where(
			sql<boolean>`exists (select 1 from lead_scores s where s.lead_id = leads.id
				and s.model_version = ${activeVersion}
				and (${query.grade ?? null}::text is null or s.grade = ${query.grade ?? null}::text)
				and (${query.temperature ?? null}::text is null or s.temperature = ${query.temperature ?? null}::text))`,
		);
	if (query.reached) select = select.where(sql<boolean>`${reachedRank("leads")} >= ${REACH_RANK[query.reached]}`);
	if (query.mqlAfter || query.mqlBefore)
		select = select.where(
			sql<boolean>`exists (select 1 from stage_changes c where c.lead_id = leads.id and c.to_stage = 'mql'
				and c.at >= coalesce(${query.mqlAfter ?? null}::timestamptz, '-infinity')
				and c.at < coalesce(${query.mqlBefore ?? null}::timestamptz, 'infinity'))`,
		);
	if (query.handoffAfter || query.handoffBefore || query.handoff)
		select = select.where(
			sql<boolean>`exists (select 1 from handoffs h where h.lead_id = leads.id
				and h.assigned_at >= coalesce(${query.handoffAfter ?? null}::timestamptz, '-infinity')
				and h.assigned_at < coalesce(${query.handoffBefore ?? null}::timestamptz, 'infinity')
				and ${handoffCondition(query.handoff)})`,
		);
	if (query.firstSeenAfter) select = select.where("first_seen_at", ">=", new Date(query.firstSeenAfter));
	if (query.firstSeenBefore) select = select.where("first_seen_at", "<", new Date(query.firstSeenBefore));
	if (query.createdAfter) select = select.where("created_at", ">=", new Date(query.createdAfter));
	if (query.createdBefore) select = select.where("created_at", "<", new Date(query.createdBefore));
	if (query.identified === "true")
		select = select.where((eb) => eb.or([eb("email", "is not", null), eb("user_id", "is not", null)]));
	if (query.identified === "false") select = select.where("email", "is", null).where("user_id", "is", null);
	if (query.trait) {
		const at = query.trait.indexOf("=");
		select = select.where(sql<boolean>`leads.traits ->> ${query.trait.slice(0, at)} = ${query.trait.slice(at + 1)}`);
	}
	if (query.did) {
		const [type, ...rest] = query.did.split(":");
		const name = rest.join(":");
		select = select.where(
			type === "page"
				? sql<boolean>`exists (select 1 from events e where e.lead_id = leads.id and e.type = 'page' and e.page_path = ${name})`
				: sql<boolean>`exists (select 1 from events e where e.lead_id = leads.id and e.type = ${type ?? ""} and e.event = ${name})`,
		);
	}
	if (query.q) {
		const pattern = containing(query.q);
		select = select.where(
			sql<boolean>`(email ilike ${pattern} or traits->>'firstName' ilike ${pattern} or traits->>'lastName' ilike ${pattern}
				or traits->>'company' ilike ${pattern} or user_id ilike ${pattern})`,
		);
	}
	if (query.segment || query.account)
		select = select.where(inScope(sql`leads.id`, { segment: query.segment, account: query.account }));
	return select;
}

/** Leads matching the filters, one keyset page at a time. */
export async function listLeads(db: Db, query: LeadListQuery): Promise<{ data: Lead[]; nextCursor: string | null }> {
	const byTime = query.sort in SORT_COLUMNS;
	const value = sortValue(query.sort);
	const direction = query.order;
	let select = filteredLeads(db, query).selectAll().select(value.as("sort_value")).select(OWNER.as("owner_id"));
	if (query.cursor) {
		const position = byTime ? decodeCursor(query.cursor, isUuid) : decodeNumberCursor(query.cursor, isUuid);
		const after = "at" in position ? position.at : position.value;
		select = select.where(
			direction === "desc"
				? sql<boolean>`(${value}, leads.id) < (${after}, ${position.id})`
				: sql<boolean>`(${value}, leads.id) > (${after}, ${position.id})`,
		);
	}
	const rows = await select
		.orderBy(value, direction)
		.orderBy("id", direction)
		.limit(query.limit + 1)
		.execute();
	const page = rows.slice(0, query.limit);
	const last = page[page.length - 1];
	const scores = await scoresOf(
		db,
		page.map((r) => r.id),
	);
	const position = (row: (typeof rows)[number]) =>
		byTime ? new Date(row.sort_value as unknown as string).toISOString() : Number(row.sort_value);
	return {
		data: page.map((row) => toLead(row, scores.get(row.id) ?? null)),
		nextCursor: rows.length > query.limit && last ? encodeCursor(position(last), last.id) : null,
	};
}

const HANDOFF_CONDITIONS = {
	touched: sql<boolean>`h.first_touch_at is not null`,
	open: sql<boolean>`h.status = 'open'`,
	rejected: sql<boolean>`h.status = 'rejected'`,
	breached: sql<boolean>`h.breached_at is not null`,
} as const;
const handoffCondition = (which: keyof typeof HANDOFF_CONDITIONS | undefined) =>
	which ? HANDOFF_CONDITIONS[which] : sql<boolean>`true`;

/** The lead as it is now; an id of a lead merged away answers with the lead it became. */
export async function getLead(db: Db, id: string): Promise<LeadDetail> {
	const row = await findLive(db, id);
	const identities = await db
		.selectFrom("identities")
		.select(["kind", "value"])
		.where("lead_id", "=", row.id)
		.orderBy("kind")
		.orderBy("value")
		.execute();
	const merged = await sql<{
		merged_id: string;
	}>`select merged_id from lead_merges where survivor_id = ${row.id} order by id`.execute(db);
	const scores = await scoresOf(db, [row.id]);
	const owner = await sql<{
		id: string;
		name: string;
		email: string;
		team: string | null;
		status: "open" | "accepted" | "rejected" | "closed";
		assigned_at: Date;
		handoff_id: string;
	}>`
		select o.id, o.name, o.email, t.name as team, h.status, h.assigned_at, h.id as handoff_id
		from handoffs h join owners o on o.id = h.owner_id left join teams t on t.id = h.team_id
		where h.lead_id = ${row.id} order by h.assigned_at desc limit 1`.execute(db);
	const latest = owner.rows[0];
	const account = row.account_id
		? await db
				.selectFrom("accounts")
				.select(["id", "name", "qualified_at"])
				.where("id", "=", row.account_id)
				.executeTakeFirst()
		: undefined;
	return {
		...toLead(row, scores.get(row.id) ?? null),
		account: account ? { id: account.id, name: account.name, qualified: account.qualified_at !== null } : null,
		ownerId: latest?.id ?? null,
		owner: latest
			? {
					id: latest.id,
					name: latest.name,
					email: latest.email,
					team: latest.team,
					handoffId: latest.handoff_id,
					handoffStatus: latest.status,
					assignedAt: new Date(latest.assigned_at).toISOString(),
				}
			: null,
		cooldownUntil: row.mql_cooldown_until ? new Date(row.mql_cooldown_until).toISOString() : null,
		prediction: await predictionOf(db, row.id),
		identities,
		mergedFrom: merged.rows.map((r) => r.merged_id),
	};
}

/** The lead's events, newest first. */
export async function leadEvents(
	db: Db,
	id: string,
	page: { limit: number; cursor?: string },
): Promise<{ data: LeadEvent[]; nextCursor: string | null }> {
	const lead = await findLive(db, id);
	let select = db.selectFrom("events").selectAll().where("lead_id", "=", lead.id);
	if (page.cursor) {
		const { at, id: messageId } = decodeCursor(page.cursor);
		select = select.where(sql<boolean>`(timestamp, message_id) < (${at}, ${messageId})`);
	}
	const rows = await select
		.orderBy("timestamp", "desc")
		.orderBy("message_id", "desc")
		.limit(page.limit + 1)
		.execute();
	const data = rows.slice(0, page.limit);
	const last = data[data.length - 1];
	return {
		data: data.map((row) => ({
			messageId: row.message_id,
			type: row.type,
			event: row.event,
			name: row.name,
			properties: row.properties,
			traits: row.traits,
			context: row.context,
			deviceClass: row.device_class,
			pagePath: row.page_path,
			timestamp: row.timestamp.toISOString(),
			receivedAt: row.received_at.toISOString(),
		})),
		nextCursor: rows.length > page.limit && last ? encodeCursor(last.timestamp.toISOString(), last.message_id) : null,
	};
}

/** Sets or removes traits and records a consent change, and rescores the lead. */
export async function updateLead(db: Db, id: string, patch: LeadPatch, now: Date): Promise<LeadDetail> {
	const lead = await findLive(db, id);
	const entries = Object.entries(patch.traits ?? {});
	const set = normalizeTraits(Object.fromEntries(entries.filter(([, v]) => v !== null)));
	const removed = Object.keys(
		normalizeTraits(Object.fromEntries(entries.filter(([, v]) => v === null).map(([k]) => [k, true]))),
	);
	await inTransaction(db, async (trx) => {
		const row = await trx
			.updateTable("leads")
			.set({
				traits: sql`(traits - ${removed}::text[]) || ${JSON.stringify(set)}::jsonb`,
				...(patch.consent
					? { consent_status: patch.consent.status, consent_at: now, consent_source: patch.consent.source }
					: {}),
				updated_at: sql`now()`,
			})
			.where("id", "=", lead.id)
			.returning([...PROFILE_COLUMNS])
			.executeTakeFirstOrThrow();
		// Fit reads the profile, so the score follows the change in the same transaction.
		const profile = leadForScoring(row);
		const changes = await linkLeadChanges(trx, [row.id]);
		await scoreTouchedLeads(
			trx,
			{ events: new Map(), created: new Set(), profiles: new Map([[row.id, profile]]) },
			now,
		);
		await changes.follow(now);
	});
	return getLead(db, lead.id);
}

/** Erases a lead: its events, identities and the records merged into it. */
export async function deleteLead(db: Db, id: string, now: Date): Promise<void> {
	const lead = await findLive(db, id);
	await inTransaction(db, async (trx) => {
		const ids = [
			lead.id,
			...(await trx.selectFrom("leads").select("id").where("merged_into", "=", lead.id).execute()).map((r) => r.id),
		];
		await trx.deleteFrom("events").where("lead_id", "in", ids).execute();
		await trx.deleteFrom("identities").where("lead_id", "in", ids).execute();
		await trx.deleteFrom("lead_scores").where("lead_id", "in", ids).execute();
		// erased means gone from every segment and its log too
		await trx.deleteFrom("segment_members").where("lead_id", "in", ids).execute();
		await trx.deleteFrom("segment_changes").where("lead_id", "in", ids).execute();
		// what the person typed into forms is theirs too
		await trx.deleteFrom("form_submissions").where("lead_id", "in", ids).execute();
		await trx.updateTable("leads").set({ merged_into: null }).where("id", "in", ids).execute();
		const gone = await trx.deleteFrom("leads").where("id", "in", ids).returning("account_id").execute();
		// its company no longer counts it
		await rollUpAccounts(
			trx,
			gone.flatMap((r) => (r.account_id ? [r.account_id] : [])),
			now,
		);
	});
}
