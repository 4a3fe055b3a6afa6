import { sql, type Transaction } from "kysely";
import type { Score } from "../domain/scoring/evaluate-score.js";
import { type ScorableEvent, timezoneOf } from "../domain/scoring/scorable.js";
import type { ScoreState } from "../domain/scoring/score-state.js";
import { activeVersion } from "./active-version.js";
import type { Db } from "./database.js";
import { DELIVERY_ATTEMPTS, JOBS_CHANNEL } from "./job-constants.js";
import type { Tables } from "./tables.js";

type Executor = Transaction<Tables> | Db;

interface EventRow {
	lead_id: string;
	message_id: string;
	type: string;
	event: string | null;
	name: string | null;
	properties: Record<string, unknown>;
	context: Record<string, unknown>;
	device_class: string | null;
	page_path: string | null;
	/** epoch milliseconds */
	timestamp: number;
	/** context.timezone as text */
	zone: string | null;
}

export function scorableOf(row: EventRow): ScorableEvent {
	return {
		messageId: row.message_id,
		type: row.type,
		event: row.event,
		name: row.name,
		properties: row.properties,
		context: row.context,
		deviceClass: row.device_class,
		pagePath: row.page_path,
		timestamp: row.timestamp,
		timezone: timezoneOf({ timezone: row.zone }),
	};
}

/** Which top-level keys of properties and context the fields read (the zone is read on its own). */
export function keysRead(fields: ReadonlySet<string>): { properties: string[]; context: string[] } {
	const properties = new Set<string>();
	const context = new Set<string>();
	for (const field of fields) {
		const [head, key] = field.split(".");
		if (head === "properties" && key) properties.add(key);
		else if (head === "context" && key) context.add(key);
		else if (head === "campaign") context.add("campaign");
		else if (head === "url" || head === "referrer") {
			properties.add(head);
			context.add("page");
		}
	}
	return { properties: [...properties], context: [...context] };
}

/** Only the keys a model reads, as one small JSON object the driver parses once. */
function only(column: "properties" | "context", keys: readonly string[]) {
	if (keys.length === 0) return sql`'{}'::jsonb`;
	const pairs = keys.map((key) => sql`${key}::text, ${sql.ref(column)} -> ${key}::text`);
	return sql`jsonb_strip_nulls(jsonb_build_object(${sql.join(pairs)}))`;
}

/**
 * The leads' whole histories, oldest first. With a model, only the parts of properties and
 * context its conditions read travel from the database, which is most of a rescore's cost.
 * `among` names the leads, or (for rescoring in id order) the first and last of a range.
 */
export async function historiesOf(
	db: Executor,
	among: readonly string[] | { from: string; to: string },
	model?: { eventFields: ReadonlySet<string> },
	/** only events up to this time (a backtest's replay point) */
	upTo?: Date,
): Promise<Map<string, ScorableEvent[]>> {
	const histories = new Map<string, ScorableEvent[]>();
	if (!("from" in among) && among.length === 0) return histories;
	const keys = model ? keysRead(model.eventFields) : null;
	const properties = keys ? only("properties", keys.properties) : sql.ref("properties");
	const context = keys ? only("context", keys.context) : sql.ref("context");
	const which =
		"from" in among
			? sql`lead_id between ${among.from}::uuid and ${among.to}::uuid`
			: sql`lead_id = any(${among}::uuid[])`;
	const rows = await sql<EventRow>`select lead_id, message_id, type, event, name, ${properties} as properties,
			${context} as context, device_class, page_path, (extract(epoch from timestamp) * 1000)::float8 as timestamp,
			context ->> 'timezone' as zone
		from events where ${which} ${upTo ? sql`and timestamp <= ${upTo}` : sql``}
		order by lead_id, timestamp, message_id`.execute(db);
	for (const row of rows.rows) {
		let history = histories.get(row.lead_id);
		if (!history) {
			history = [];
			histories.set(row.lead_id, history);
		}
		history.push(scorableOf(row));
	}
	return histories;
}

/**
 * In one round trip: the active model (the published one with the highest version), the
 * leads' states under it, and which of them qualified when last scored. Read after the leads
 * are locked, so none of it can be stale.
 */
export async function activeStatesOf(
	db: Executor,
	leadIds: readonly string[],
): Promise<{
	model: { id: string; version: number } | null;
	states: Map<string, ScoreState>;
	qualified: Set<string>;
}> {
	const rows = await sql<{
		model_id: string;
		version: number;
		lead_id: string | null;
		state: ScoreState | null;
		qualified: boolean | null;
	}>`
		select m.id as model_id, m.version, s.lead_id, s.state, s.qualified
		from (select id, version from scoring_models where version = ${activeVersion}) as m
		left join lead_scores s on s.model_version = m.version and s.lead_id = any(${leadIds}::uuid[])`.execute(db);
	const first = rows.rows[0];
	const states = new Map<string, ScoreState>();
	const qualified = new Set<string>();
	for (const row of rows.rows) {
		if (row.lead_id && row.state) states.set(row.lead_id, row.state);
		if (row.lead_id && row.qualified) qualified.add(row.lead_id);
	}
	return { model: first ? { id: first.model_id, version: first.version } : null, states, qualified };
}

export async function statesOf(
	db: Executor,
	leadIds: readonly string[],
	version: number,
): Promise<Map<string, ScoreState>> {
	if (leadIds.length === 0) return new Map();
	const rows = await db
		.selectFrom("lead_scores")
		.select(["lead_id", "state"])
		.where("lead_id", "in", leadIds)
		.where("model_version", "=", version)
		.execute();
	return new Map(rows.map((r) => [r.lead_id, r.state as unknown as ScoreState]));
}

export interface ScoreRow {
	leadId: string;
	state: ScoreState;
	score: Score;
}

/** Writes each lead's state and score for one model version, in one statement. */
export async function writeScores(db: Executor, version: number, rows: readonly ScoreRow[]): Promise<void> {
	if (rows.length === 0) return;
	const records = rows.map(({ leadId, state, score }) => ({
		lead_id: leadId,
		state,
		fit: score.fit,
		engagement: score.engagement,
		grade: score.grade,
		temperature: score.temperature,
		qualified: score.qualification.qualified,
		qualification: score.qualification.reason,
		hand_raised_at: score.qualification.handRaisedAt === null ? null : new Date(score.qualification.handRaisedAt),
		scored_at: new Date(score.at),
	}));
	// One statement writes the scores and, for endpoints subscribed to lead.score_changed whose
	// minimum change is met, the webhook message and its deliveries (nothing when none listens).
	await sql`with incoming as (
			select * from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(lead_id uuid, state jsonb, fit float8,
				engagement float8, grade text, temperature text, qualified boolean, qualification text,
				hand_raised_at timestamptz, scored_at timestamptz)),
		before as (
			select s.lead_id, s.engagement from lead_scores s
			where s.model_version = ${version}::int and s.lead_id in (select lead_id from incoming)),
		written as (
			insert into lead_scores (lead_id, model_version, state, fit, engagement, grade, temperature, qualified,
				qualification, hand_raised_at, scored_at)
			select lead_id, ${version}::int, state, fit, engagement, grade, temperature, qualified, qualification,
				hand_raised_at, scored_at
			from incoming order by lead_id
			on conflict (lead_id, model_version) do update set state = excluded.state, fit = excluded.fit,
				engagement = excluded.engagement, grade = excluded.grade, temperature = excluded.temperature,
				qualified = excluded.qualified, qualification = excluded.qualification,
				hand_raised_at = excluded.hand_raised_at, scored_at = excluded.scored_at
			returning lead_id),
		changes as (
			select i.*, coalesce(b.engagement, 0) as was, abs(i.engagement - coalesce(b.engagement, 0)) as delta,
				'msg_' || replace(gen_random_uuid()::text, '-', '') as message_id
			from incoming i left join before b using (lead_id)
			where abs(i.engagement - coalesce(b.engagement, 0)) > 1e-9),
		targets as (
			select c.message_id, e.id as endpoint_id from changes c
			join webhook_endpoints e on e.enabled and 'lead.score_changed' = any(e.events) and e.min_score_change <= c.delta),
		messages as (
			insert into webhook_messages (id, type, payload)
			select c.message_id, 'lead.score_changed', jsonb_build_object('type', 'lead.score_changed',
				'timestamp', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
				'data', jsonb_build_object('leadId', c.lead_id, 'modelVersion', ${version}::int, 'engagementBefore', c.was,
					'engagement', c.engagement, 'change', c.engagement - c.was, 'fit', c.fit, 'grade', c.grade,
					'temperature', c.temperature, 'qualified', c.qualified))
			from changes c where c.message_id in (select message_id from targets)),
		queued as (
			insert into jobs (kind, payload, max_attempts)
			select 'webhook.deliver', jsonb_build_object('messageId', message_id, 'endpointId', endpoint_id), ${DELIVERY_ATTEMPTS}
			from targets returning id)
		select (select count(*) from written) as written, pg_notify(${JOBS_CHANNEL}, '')
		from (select 1 from queued limit 1) as any_queued`.execute(db);
}
