/**
 * A segment's condition as SQL over `leads l` left-joined to its active score `s`, with the
 * meaning evaluate-segment.ts gives it in memory (each test is wrapped to be true or false,
 * never unknown). Every value, trait name and property key is a bound parameter: nothing a
 * person types is spliced into the SQL text. A sales touch reads as an event named by its kind
 * with the properties outcome and note; local_hour and local_weekday read the lead's time zone.
 */
import { type RawBuilder, sql } from "kysely";
import type {
	CountOp,
	EventFilter,
	EventTest,
	LeadField,
	Scalar,
	SegmentCondition,
	Subject,
	Test,
} from "../../schemas/segments.js";
import { activeVersion } from "../../storage/active-version.js";
import type { Db } from "../../storage/database.js";

const DAY = 86_400_000;
type Sql = RawBuilder<unknown>;

const accountColumn = (value: Sql) => sql`(select ${value} from accounts a where a.id = l.account_id)`;

const LEAD_COLUMNS: Record<LeadField, Sql> = {
	stage: sql`to_jsonb(l.stage)`,
	consent: sql`to_jsonb(l.consent_status)`,
	email: sql`to_jsonb(l.email)`,
	email_domain: sql`to_jsonb(regexp_replace(l.email, '^.*@', ''))`,
	fit: sql`to_jsonb(s.fit)`,
	engagement: sql`to_jsonb(s.engagement)`,
	grade: sql`to_jsonb(s.grade)`,
	temperature: sql`to_jsonb(s.temperature)`,
	predicted_chance: sql`to_jsonb(l.predicted_chance)`,
	owner: sql`(select to_jsonb(o.name) from (select owner_id from handoffs where lead_id = l.id
		order by assigned_at desc, id desc limit 1) h join owners o on o.id = h.owner_id)`,
	team: sql`(select to_jsonb(t.name) from (select team_id from handoffs where lead_id = l.id
		order by assigned_at desc, id desc limit 1) h join teams t on t.id = h.team_id)`,
	account: accountColumn(sql`to_jsonb(a.name)`),
	account_domain: accountColumn(sql`to_jsonb(a.domain)`),
	account_fit: accountColumn(sql`to_jsonb(a.fit)`),
	account_engagement: accountColumn(sql`to_jsonb(a.engagement)`),
	account_qualified: accountColumn(sql`to_jsonb(a.qualified_at is not null)`),
};

const COUNT_SQL: Record<CountOp, Sql> = {
	"=": sql`=`,
	"!=": sql`<>`,
	"<": sql`<`,
	"<=": sql`<=`,
	">": sql`>`,
	">=": sql`>=`,
};

// a JSON value's scalar forms; null when it is of another kind
const textOf = (j: Sql) =>
	sql`(case when jsonb_typeof(${j}) in ('string', 'number', 'boolean') then ${j} #>> '{}' end)`;
const numberOf = (j: Sql) => sql`(case when jsonb_typeof(${j}) = 'number' then (${j} #>> '{}')::float8 end)`;
const booleanOf = (j: Sql) => sql`(case when jsonb_typeof(${j}) = 'boolean' then (${j} #>> '{}')::boolean end)`;
const present = (j: Sql) => sql`(${j} is not null and jsonb_typeof(${j}) <> 'null')`;
const sure = (condition: Sql) => sql`coalesce(${condition}, false)`;

function compareOne(j: Sql, op: Exclude<Test["op"], "in" | "not in" | "exists" | "missing">, want: Scalar): Sql {
	if (typeof want === "number") {
		if (op === "^=" || op === "*=") return sql`false`;
		return sure(sql`${numberOf(j)} ${COUNT_SQL[op]} ${want}::float8`);
	}
	if (typeof want === "boolean") {
		if (op === "=") return sure(sql`${booleanOf(j)} = ${want}::boolean`);
		if (op === "!=") return sure(sql`${booleanOf(j)} <> ${want}::boolean`);
		return sql`false`;
	}
	const text = textOf(j);
	if (op === "^=") return sure(sql`starts_with(${text}, ${want}::text)`);
	if (op === "*=") return sure(sql`strpos(${text}, ${want}::text) > 0`);
	return sure(sql`${text} collate "C" ${COUNT_SQL[op]} (${want}::text collate "C")`);
}

function passes(j: Sql, test: Test): Sql {
	switch (test.op) {
		case "exists":
			return sure(present(j));
		case "missing":
			return sql`not ${sure(present(j))}`;
		case "in":
			return sql`(${sure(present(j))} and (${sql.join(
				test.value.map((v) => compareOne(j, "=", v)),
				sql` or `,
			)}))`;
		case "not in":
			return sql`(${sure(present(j))} and ${textOf(j)} is not null and not (${sql.join(
				test.value.map((v) => compareOne(j, "=", v)),
				sql` or `,
			)}))`;
		default:
			return sql`(${sure(present(j))} and ${compareOne(j, test.op, test.value as Scalar)})`;
	}
}

const subjectJson = (s: Subject): Sql =>
	s.field !== undefined ? LEAD_COLUMNS[s.field] : sql`(l.traits -> ${s.trait}::text)`;

/** An event's (or touch's) value to test; `e` is the row and `e.at` its time in both tables. */
function eventJson(on: EventTest["on"], type: EventFilter["type"]): Sql {
	const local = sql`(e.at at time zone coalesce(l.timezone, 'UTC'))`;
	if (on === "local_hour") return sql`to_jsonb(extract(hour from ${local})::int)`;
	if (on === "local_weekday") return sql`to_jsonb(extract(isodow from ${local})::int)`;
	if (type === "touch") {
		if (on === "path" || on === "name") return sql`null::jsonb`;
		return sql`(jsonb_build_object('outcome', e.outcome, 'note', e.note) -> ${on.slice("properties.".length)}::text)`;
	}
	if (on === "path") return sql`to_jsonb(e.page_path)`;
	if (on === "name") return sql`to_jsonb(e.name)`;
	return sql`(e.properties -> ${on.slice("properties.".length)}::text)`;
}

/** The lead's events (or touches) that pass a filter, inside [from, to) when given: a FROM and WHERE. */
function eventsMatching(f: EventFilter, from: Date | null, to: Date | null): Sql {
	const touch = f.type === "touch";
	const tests = [
		sql`e.lead_id = l.id`,
		...(touch ? [] : [sql`e.type = ${f.type}::text`]),
		...(f.event !== undefined ? [touch ? sql`e.kind = ${f.event}::text` : sql`e.event = ${f.event}::text`] : []),
		...(from !== null ? [sql`e.at >= ${from}::timestamptz`] : []),
		...(to !== null ? [sql`e.at < ${to}::timestamptz`] : []),
		...f.where.map((t) => passes(eventJson(t.on, f.type), t)),
	];
	const source = touch
		? sql`touches e`
		: sql`(select lead_id, type, event, name, page_path, properties, timestamp as at from events) e`;
	return sql`${source} where ${sql.join(tests, sql` and `)}`;
}

/** The condition as a boolean SQL expression over `l` (leads) and `s` (its active score), at `now`. */
export function segmentWhere(c: SegmentCondition, now: Date): RawBuilder<boolean> {
	const go = (x: SegmentCondition): Sql => {
		if ("all" in x) return sql`(${sql.join(x.all.map(go), sql` and `)})`;
		if ("any" in x) return sql`(${sql.join(x.any.map(go), sql` or `)})`;
		if ("not" in x) return sql`(not ${go(x.not)})`;
		if ("count" in x) {
			const from =
				x.withinDays !== undefined
					? new Date(now.getTime() - x.withinDays * DAY)
					: x.from !== undefined
						? new Date(Date.parse(x.from))
						: null;
			const to = x.to !== undefined ? new Date(Date.parse(x.to)) : null;
			return sure(
				sql`(select count(*) from ${eventsMatching(x.count, from, to)}) ${COUNT_SQL[x.op]} ${x.value}::bigint`,
			);
		}
		if ("inSegment" in x)
			return sql`exists (select 1 from segment_members m join segments g on g.id = m.segment_id
				where m.lead_id = l.id and lower(g.name) = lower(${x.inSegment}::text))`;
		if ("daysSince" in x) {
			const d = x.daysSince;
			const column =
				d === "stage_changed"
					? sql`l.stage_changed_at`
					: d === "first_seen"
						? sql`l.first_seen_at`
						: d === "last_seen"
							? sql`l.last_seen_at`
							: "first" in d
								? sql`(select min(e.at) from ${eventsMatching(d.first, null, null)})`
								: sql`(select max(e.at) from ${eventsMatching(d.last, null, null)})`;
			return sure(
				sql`(extract(epoch from (${now}::timestamptz - ${column})) * 1000)::float8 ${COUNT_SQL[x.op]} ${x.value * DAY}::float8`,
			);
		}
		return passes(subjectJson(x as Subject), x as Test);
	};
	return go(c) as RawBuilder<boolean>;
}

/** The live leads a condition selects, with their active scores, for counts and lists. */
export const segmentFrom = sql`leads l left join lead_scores s on s.lead_id = l.id and s.model_version = ${activeVersion}`;

/** How many live leads are in the segment at `now`. */
export async function countSegment(db: Db, c: SegmentCondition, now: Date): Promise<number> {
	const row = await sql<{ n: number }>`select count(*)::int as n from ${segmentFrom}
		where l.merged_into is null and ${segmentWhere(c, now)}`.execute(db);
	return row.rows[0]?.n ?? 0;
}

/** The ids of the live leads in the segment at `now`, in id order. */
export async function segmentMemberIds(db: Db, c: SegmentCondition, now: Date, limit = 100_000): Promise<string[]> {
	const rows = await sql<{ id: string }>`select l.id from ${segmentFrom}
		where l.merged_into is null and ${segmentWhere(c, now)} order by l.id limit ${limit}`.execute(db);
	return rows.rows.map((r) => r.id);
}
