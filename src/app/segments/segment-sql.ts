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

/** The lead's fields that are text (or null) in their columns: tested without building JSON. */
const TEXT_COLUMNS: Partial<Record<LeadField, Sql>> = {
	stage: sql`l.stage`,
	consent: sql`l.consent_status`,
	email: sql`l.email`,
	grade: sql`s.grade`,
	temperature: sql`s.temperature`,
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

/**
 * The same test on a value already known to be text or null (a page path, an event name): what
 * `passes` means for its JSON, without building JSON for every event read.
 */
function passesText(text: Sql, test: Test): Sql {
	const one = (op: Exclude<Test["op"], "in" | "not in" | "exists" | "missing">, want: Scalar): Sql => {
		if (typeof want !== "string") return sql`false`; // text never equals or orders against a number or a boolean
		if (op === "^=") return sure(sql`starts_with(${text}, ${want}::text)`);
		if (op === "*=") return sure(sql`strpos(${text}, ${want}::text) > 0`);
		return sure(sql`${text} collate "C" ${COUNT_SQL[op]} (${want}::text collate "C")`);
	};
	switch (test.op) {
		case "exists":
			return sql`(${text} is not null)`;
		case "missing":
			return sql`(${text} is null)`;
		case "in":
			return sql`(${sql.join(
				test.value.map((v) => one("=", v)),
				sql` or `,
			)})`;
		case "not in":
			return sql`(${text} is not null and not (${sql.join(
				test.value.map((v) => one("=", v)),
				sql` or `,
			)}))`;
		default:
			return one(test.op, test.value as Scalar);
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

/** What an event (or touch) must pass, inside [from, to) when given, as tests on `e`. */
function eventTests(f: EventFilter, from: Date | null, to: Date | null): Sql[] {
	const touch = f.type === "touch";
	return [
		...(touch ? [] : [sql`e.type = ${f.type}::text`]),
		...(f.event !== undefined ? [touch ? sql`e.kind = ${f.event}::text` : sql`e.event = ${f.event}::text`] : []),
		...(from !== null ? [sql`e.at >= ${from}::timestamptz`] : []),
		...(to !== null ? [sql`e.at < ${to}::timestamptz`] : []),
		...f.where.map((t) =>
			!touch && (t.on === "path" || t.on === "name")
				? passesText(t.on === "path" ? sql`e.page_path` : sql`e.name`, t)
				: passes(eventJson(t.on, f.type), t),
		),
	];
}

const EVENT_ROWS = sql`(select lead_id, type, event, name, page_path, properties, timestamp as at from events) e`;
const TOUCH_ROWS = sql`touches e`;

/** The lead's events (or touches) that pass a filter, inside [from, to) when given: a FROM and WHERE. */
function eventsMatching(f: EventFilter, from: Date | null, to: Date | null): Sql {
	const tests = [sql`e.lead_id = l.id`, ...eventTests(f, from, to)];
	return sql`${f.type === "touch" ? TOUCH_ROWS : EVENT_ROWS} where ${sql.join(tests, sql` and `)}`;
}

/**
 * The behaviour a set of conditions asks about (counts, first and last times), gathered so that
 * each lead's events are read once for all of them: one aggregate row per lead (`b` for events,
 * `t` for touches) instead of one subquery per condition and lead. For re-checking a few leads
 * against many segments; a count over every lead keeps the subqueries, which the planner runs
 * only for the leads the cheaper tests let through.
 */
export class BehaviourTerms {
	private readonly terms: Array<{ touch: boolean; aggregate: Sql; from: Date | null; local: boolean }> = [];

	/**
	 * lateral: each lead's rows read through its index (a few leads); grouped: one pass over all
	 * the rows, grouped by lead (every lead, as a full refresh reads them).
	 */
	constructor(private readonly mode: "lateral" | "grouped" = "lateral") {}

	/** A term's value for the lead, as SQL over the aggregate rows. */
	add(kind: "count" | "first" | "last", f: EventFilter, from: Date | null, to: Date | null): Sql {
		const touch = f.type === "touch";
		const tests = eventTests(f, from, to);
		const where = tests.length > 0 ? sql.join(tests, sql` and `) : sql`true`;
		const fn = kind === "count" ? sql`count(*)` : kind === "first" ? sql`min(e.at)` : sql`max(e.at)`;
		const alias = `${touch ? "t" : "b"}${this.terms.length}`;
		const local = f.where.some((t) => t.on === "local_hour" || t.on === "local_weekday");
		this.terms.push({ touch, aggregate: sql`${fn} filter (where ${where}) as ${sql.ref(alias)}`, from, local });
		return sql.ref(`${touch ? "t" : "b"}.${alias}`);
	}

	/** The lateral joins that compute the terms for each lead `l`. */
	joins(): Sql {
		const join = (touch: boolean) => {
			const mine = this.terms.filter((t) => t.touch === touch);
			if (mine.length === 0) return sql``;
			// only as far back as the longest window reaches (all time when one has none)
			const froms = mine.map((t) => t.from);
			const since = froms.every((d) => d !== null)
				? sql`and e.at >= ${new Date(Math.min(...froms.map((d) => (d as Date).getTime())))}::timestamptz`
				: sql``;
			const aggregates = sql.join(
				mine.map((t) => t.aggregate),
				sql`, `,
			);
			const name = sql.ref(touch ? "t" : "b");
			const rows = touch ? TOUCH_ROWS : EVENT_ROWS;
			if (this.mode === "grouped") {
				// a test in the lead's local time reads its zone: the lead joins the pass
				const zone = mine.some((t) => t.local) ? sql`join leads l on l.id = e.lead_id` : sql``;
				return sql`left join (select e.lead_id, ${aggregates} from ${rows} ${zone} where true ${since}
					group by e.lead_id) ${name} on ${name}.lead_id = l.id`;
			}
			return sql`left join lateral (select ${aggregates} from ${rows} where e.lead_id = l.id ${since}) ${name} on true`;
		};
		return sql`${join(false)} ${join(true)}`;
	}
}

/**
 * The condition as a boolean SQL expression over `l` (leads) and `s` (its active score), at
 * `now`; with `terms`, its behaviour reads the aggregate rows those terms join.
 */
export function segmentWhere(c: SegmentCondition, now: Date, terms?: BehaviourTerms): RawBuilder<boolean> {
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
			const count = terms
				? sql`coalesce(${terms.add("count", x.count, from, to)}, 0)`
				: sql`(select count(*) from ${eventsMatching(x.count, from, to)})`;
			return sure(sql`${count} ${COUNT_SQL[x.op]} ${x.value}::bigint`);
		}
		if ("inSegment" in x)
			return sql`exists (select 1 from segment_members m join segments g on g.id = m.segment_id
				where m.lead_id = l.id and lower(g.name) = lower(${x.inSegment}::text))`;
		if ("daysSince" in x) {
			const d = x.daysSince;
			const moment = (kind: "first" | "last", f: EventFilter) =>
				terms
					? terms.add(kind, f, null, null)
					: kind === "first"
						? sql`(select min(e.at) from ${eventsMatching(f, null, null)})`
						: sql`(select max(e.at) from ${eventsMatching(f, null, null)})`;
			const column =
				d === "stage_changed"
					? sql`l.stage_changed_at`
					: d === "first_seen"
						? sql`l.first_seen_at`
						: d === "last_seen"
							? sql`l.last_seen_at`
							: "first" in d
								? moment("first", d.first)
								: moment("last", d.last);
			return sure(
				sql`(extract(epoch from (${now}::timestamptz - ${column})) * 1000)::float8 ${COUNT_SQL[x.op]} ${x.value * DAY}::float8`,
			);
		}
		const subject = x as Subject;
		const text = subject.field !== undefined ? TEXT_COLUMNS[subject.field] : undefined;
		return text ? passesText(text, x as Test) : passes(subjectJson(subject), x as Test);
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

/**
 * The (segment_id, lead_id) pairs of the listed leads (null: every lead) that the segments select
 * at `now`: each lead read once, its behaviour gathered once for all the segments (through its
 * index for a few leads, in one grouped pass for all), one verdict a segment.
 */
export function verdictsAmong(
	segments: ReadonlyArray<{ id: string; condition: SegmentCondition }>,
	leadIds: readonly string[] | null,
	now: Date,
): RawBuilder<{ segment_id: string; lead_id: string }> {
	const terms = new BehaviourTerms(leadIds === null ? "grouped" : "lateral");
	const verdicts = segments.map((s) => sql`coalesce(${segmentWhere(s.condition, now, terms)}, false)`);
	return sql`select v.segment_id, v.lead_id from (
		select l.id as lead_id, unnest(${segments.map((s) => s.id)}::uuid[]) as segment_id,
			unnest(array[${sql.join(verdicts, sql`, `)}]::boolean[]) as ok
		from ${segmentFrom} ${terms.joins()}
		where l.merged_into is null ${leadIds === null ? sql`` : sql`and l.id = any(${[...leadIds]}::uuid[])`}) v where v.ok`;
}

/** The listed leads (null: all) a condition selects at `now`, read the way a re-check or a refresh reads them, in id order. */
export async function segmentMembersAmong(
	db: Db,
	c: SegmentCondition,
	leadIds: readonly string[] | null,
	now: Date,
): Promise<string[]> {
	const id = "00000000-0000-4000-8000-000000000000";
	const rows = await sql<{
		lead_id: string;
	}>`select lead_id from (${verdictsAmong([{ id, condition: c }], leadIds, now)}) x
		order by lead_id`.execute(db);
	return rows.rows.map((r) => r.lead_id);
}
