import { sql } from "kysely";
import { AppError } from "../domain/errors.js";
import { periodOf } from "../domain/report-periods.js";
import { evaluateScore } from "../domain/scoring/evaluate-score.js";
import { pointsForRatio } from "../domain/scoring/suggest-rules.js";
import { liftOf, median, singleSignalAuc } from "../domain/signal-lift.js";
import type { Signal, SignalsQuery, SignalsReport } from "../schemas/signals.js";
import type { Db } from "../storage/database.js";
import { activeModel } from "./active-model.js";
import { boundsOf } from "./period-bounds.js";
import { replayAll } from "./replay.js";

const DAY = 86_400_000;
const traitOf = (key: string) => key.slice(0, key.indexOf("="));

/** The same for the same set of lead ids, in any order (two sums of their leading bits). */
function fingerprint(ids: ReadonlySet<string>): string {
	let [a, b] = [0, 0];
	for (const id of ids) {
		a = (a + Number.parseInt(id.slice(0, 8), 16)) % 4_294_967_296;
		b = (b + Number.parseInt(id.slice(24, 32), 16)) % 4_294_967_296;
	}
	return `${ids.size}:${a}:${b}`;
}

/** Traits that name a person or a record, not a kind of lead: never signals. */
const IDENTIFYING = /^(email|firstName|lastName|name|phone|userId|id|emailAsGiven|avatar|address)$/i;
/** A trait with more values than this is an identifier or free text, not a category. */
const MAX_VALUES = 40;

interface Tally {
	signal: Pick<Signal, "kind" | "key" | "label">;
	leads: Set<string>;
	daysBefore: number[];
}

/**
 * Which signals convert: for every rule of the active model, every category of a trait and every
 * kind of event seen among the leads first seen in the period, how many leads showed it, how many
 * of them reached SQL and won against those that did not (the lift, with a 95% interval), and how
 * many days before reaching SQL it first showed. Nothing after a lead's conversion counts: a
 * converted lead's rules are read as of the moment it reached SQL, and its events up to then.
 */
export async function signalsReport(db: Db, query: SignalsQuery, now: Date): Promise<SignalsReport> {
	const model = await activeModel(db);
	if (!model) throw new AppError("not_found", "No model is published.");
	const period = periodOf(query, now);
	const { start, end } = await boundsOf(db, period, query.zone);

	// when each lead's traits got the values they hold now: a value first given at or after the
	// lead reached SQL was set because of the outcome (a rep's field), not a sign of it
	const setAt = new Map<string, number>();
	const given = await sql<{ lead_id: string; key: string; at: Date }>`
		select e.lead_id, t.key, min(e.timestamp) as at
		from leads l join events e on e.lead_id = l.id
		cross join lateral jsonb_each_text(e.traits) t
		where l.merged_into is null and l.first_seen_at >= ${start} and l.first_seen_at < ${end}
			and e.type = 'identify' and l.traits ->> t.key = t.value
		group by e.lead_id, t.key`.execute(db);
	for (const row of given.rows) setAt.set(`${row.lead_id} ${row.key}`, new Date(row.at).getTime());
	const setAfterSql = new Map<string, number>();

	const tallies = new Map<string, Tally>();
	const sqlLeads = new Set<string>();
	const wonLeads = new Set<string>();
	let total = 0;
	const see = (key: string, signal: Tally["signal"], leadId: string, at: number | null, sqlAt: number | null) => {
		let tally = tallies.get(key);
		if (!tally) {
			tally = { signal, leads: new Set(), daysBefore: [] };
			tallies.set(key, tally);
		}
		if (tally.leads.has(leadId)) return;
		tally.leads.add(leadId);
		if (at !== null && sqlAt !== null) tally.daysBefore.push((sqlAt - at) / DAY);
	};

	await replayAll<{ first_seen_at: Date; sql_at: Date | null; customer_at: Date | null }>(db, model.model, {
		asOf: now.getTime(),
		chunkSize: 1000,
		where: sql<boolean>`l.first_seen_at >= ${start} and l.first_seen_at < ${end}`,
		extra: {
			columns: sql`l.first_seen_at, f.sql_at, f.customer_at`,
			join: sql`left join lateral (
				select min(c.at) filter (where c.to_stage in ('sql', 'opportunity', 'customer')) as sql_at,
					min(c.at) filter (where c.to_stage = 'customer') as customer_at
				from stage_changes c where c.lead_id = l.id) f on true`,
		},
		onRange: (_trx, leads) => {
			for (const lead of leads) {
				const id = lead.row.id;
				total++;
				const sqlAt = lead.row.sql_at ? new Date(lead.row.sql_at).getTime() : null;
				if (sqlAt !== null) sqlLeads.add(id);
				if (lead.row.customer_at) wonLeads.add(id);
				// the model's rules as they stood at the lead's last activity before it converted (or
				// before now): the same moment for both, so a rule that fades is not read fresh on
				// converters and faded on the rest
				let lastActive: number | null = null;
				for (const event of lead.history) if (sqlAt === null || event.timestamp < sqlAt) lastActive = event.timestamp;
				const explained = evaluateScore(
					model.model,
					lead.state,
					lead.profile,
					lastActive !== null ? lastActive + 1 : (sqlAt ?? now.getTime()),
				);
				for (const rule of [...explained.fitRules, ...explained.engagementRules]) {
					const first = rule.events[0]?.at ?? null;
					see(`rule:${rule.id}`, { kind: "rule", key: rule.id, label: rule.reason }, id, first, sqlAt);
				}
				// each category of each trait
				for (const [trait, value] of Object.entries(lead.profile.traits)) {
					if (IDENTIFYING.test(trait) || value === null || typeof value === "object") continue;
					const text = String(value).trim();
					if (!text || text.length > 80) continue;
					const given = setAt.get(`${id} ${trait}`);
					if (sqlAt !== null && given !== undefined && given >= sqlAt)
						setAfterSql.set(`${trait}=${text}`, (setAfterSql.get(`${trait}=${text}`) ?? 0) + 1);
					see(
						`trait:${trait}=${text}`,
						{ kind: "trait", key: `${trait}=${text}`, label: `${trait} is ${text}` },
						id,
						null,
						null,
					);
				}
				// each kind of event, before the lead converted
				for (const event of lead.history) {
					if (sqlAt !== null && event.timestamp >= sqlAt) break;
					const name =
						event.type === "track" ? event.event : event.type === "page" ? (event.pagePath ?? event.name) : null;
					if (!name) continue;
					const key = `${event.type}:${name}`;
					see(
						`event:${key}`,
						{ kind: "event", key, label: event.type === "page" ? `visited ${name}` : `did ${name}` },
						id,
						event.timestamp,
						sqlAt,
					);
				}
			}
		},
	});

	// categories of traits with too many values are identifiers, not signals
	const valuesPerTrait = new Map<string, number>();
	for (const t of tallies.values())
		if (t.signal.kind === "trait") {
			const trait = t.signal.key.slice(0, t.signal.key.indexOf("="));
			valuesPerTrait.set(trait, (valuesPerTrait.get(trait) ?? 0) + 1);
		}
	const signals: Signal[] = [];
	for (const t of tallies.values()) {
		if (t.leads.size < query.minLeads || t.leads.size === total) continue;
		if (t.signal.kind === "trait" && (valuesPerTrait.get(traitOf(t.signal.key)) ?? 0) > MAX_VALUES) continue;
		const converted = [...t.leads].filter((id) => sqlLeads.has(id)).length;
		const won = [...t.leads].filter((id) => wonLeads.has(id)).length;
		const auc = singleSignalAuc(converted, t.leads.size, sqlLeads.size, total);
		const lateShare = converted > 0 ? (setAfterSql.get(t.signal.key) ?? 0) / converted : 0;
		signals.push({
			...t.signal,
			leads: t.leads.size,
			sql: liftOf(converted, t.leads.size, sqlLeads.size - converted, total - t.leads.size),
			won: liftOf(won, t.leads.size, wonLeads.size - won, total - t.leads.size),
			daysBeforeSql: median(t.daysBefore),
			auc,
			givesAway: auc !== null && (auc >= 0.95 || auc <= 0.05 || (t.signal.kind === "trait" && lateShare >= 0.5)),
			points: null,
		});
	}
	// a trait one of whose values gives the outcome away was set after it: all its values are suspect
	const leakyTraits = new Set(signals.filter((s) => s.kind === "trait" && s.givesAway).map((s) => traitOf(s.key)));
	for (const s of signals) if (s.kind === "trait" && leakyTraits.has(traitOf(s.key))) s.givesAway = true;
	// strongest first: by the lower end of the interval, so a big lift on three leads does not lead
	signals.sort((a, b) => (b.sql.low ?? 0) - (a.sql.low ?? 0) || b.leads - a.leads);
	// points are suggested where the evidence is clear (the interval leaves out "no lift"), for
	// traits and events, once for signals that name the same leads (a city, its country, its zone)
	const named = new Set<string>();
	for (const s of signals) {
		const clear = (s.sql.low ?? 0) > 1 || (s.sql.high ?? 2) < 1;
		const tally = tallies.get(`${s.kind}:${s.key}`);
		const same = tally ? fingerprint(tally.leads) : s.key;
		if (s.kind === "rule" || !clear || s.givesAway || named.has(same)) continue;
		named.add(same);
		s.points = pointsForRatio(s.sql.lift ?? 1);
	}
	return {
		period: { ...period, zone: query.zone, start: start.toISOString(), end: end.toISOString() },
		modelVersion: model.version,
		leads: total,
		sqlLeads: sqlLeads.size,
		wonLeads: wonLeads.size,
		signals: signals.slice(0, query.limit),
	};
}
