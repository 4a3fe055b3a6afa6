/**
 * A segment's condition as SQL over `leads l` left-joined to its active score `s`, with the
 * meaning evaluate-segment.ts gives it in memory (each test is wrapped to be true or false,
 * never unknown). Every value, trait name and property key is a bound parameter: nothing a
 * person types is spliced into the SQL text.
 */
import { type RawBuilder, sql } from "kysely";
import type { CountOp, EventTest, LeadField, Scalar, SegmentCondition, Subject, Test } from "../../schemas/segments.js";
import { activeVersion } from "../../storage/active-version.js";
import type { Db } from "../../storage/database.js";

const DAY = 86_400_000;
type Sql = RawBuilder<unknown>;

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

function eventJson(on: EventTest["on"]): Sql {
	if (on === "path") return sql`to_jsonb(e.page_path)`;
	if (on === "name") return sql`to_jsonb(e.name)`;
	return sql`(e.properties -> ${on.slice("properties.".length)}::text)`;
}

/** The condition as a boolean SQL expression over `l` (leads) and `s` (its active score), at `now`. */
export function segmentWhere(c: SegmentCondition, now: Date): RawBuilder<boolean> {
	const go = (x: SegmentCondition): Sql => {
		if ("all" in x) return sql`(${sql.join(x.all.map(go), sql` and `)})`;
		if ("any" in x) return sql`(${sql.join(x.any.map(go), sql` or `)})`;
		if ("not" in x) return sql`(not ${go(x.not)})`;
		if ("count" in x) {
			const f = x.count;
			const tests = [
				sql`e.lead_id = l.id`,
				sql`e.type = ${f.type}::text`,
				...(f.event !== undefined ? [sql`e.event = ${f.event}::text`] : []),
				...(x.withinDays !== undefined
					? [sql`e.timestamp >= ${new Date(now.getTime() - x.withinDays * DAY)}::timestamptz`]
					: []),
				...f.where.map((t) => passes(eventJson(t.on), t)),
			];
			return sure(
				sql`(select count(*) from events e where ${sql.join(tests, sql` and `)}) ${COUNT_SQL[x.op]} ${x.value}::bigint`,
			);
		}
		if ("daysSince" in x) {
			const column =
				x.daysSince === "stage_changed"
					? sql`l.stage_changed_at`
					: x.daysSince === "first_seen"
						? sql`l.first_seen_at`
						: sql`l.last_seen_at`;
			return sure(
				sql`(extract(epoch from (${now}::timestamptz - ${column})) * 1000)::float8 ${COUNT_SQL[x.op]} ${x.value * DAY}::float8`,
			);
		}
		return passes(subjectJson(x), x as Test);
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
