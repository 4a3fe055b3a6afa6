import { sql } from "kysely";
import { AppError } from "../domain/errors.js";
import { periodOf } from "../domain/report-periods.js";
import { evaluateScore } from "../domain/scoring/evaluate-score.js";
import { liftOf, median } from "../domain/signal-lift.js";
import type { Signal, SignalsQuery, SignalsReport } from "../schemas/signals.js";
import type { Db } from "../storage/database.js";
import { activeModel } from "./active-model.js";
import { boundsOf } from "./period-bounds.js";
import { replayAll } from "./replay.js";

const DAY = 86_400_000;
/** Traits that name a person or a record, not a kind of lead: never signals. */
const IDENTIFYING = /^(email|firstName|lastName|name|phone|userId|id|emailAsGiven|avatar|address)$/i;
/** A trait with more values than this is an identifier or free text, not a category. */
const MAX_VALUES = 40;

interface Tally {
	signal: Omit<Signal, "leads" | "sql" | "won" | "daysBeforeSql">;
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
				// the model's rules, as they stood when the lead converted (or now)
				const explained = evaluateScore(model.model, lead.state, lead.profile, sqlAt ?? now.getTime());
				for (const rule of [...explained.fitRules, ...explained.engagementRules]) {
					const first = rule.events[0]?.at ?? null;
					see(`rule:${rule.id}`, { kind: "rule", key: rule.id, label: rule.reason }, id, first, sqlAt);
				}
				// each category of each trait
				for (const [trait, value] of Object.entries(lead.profile.traits)) {
					if (IDENTIFYING.test(trait) || value === null || typeof value === "object") continue;
					const text = String(value).trim();
					if (!text || text.length > 80) continue;
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
		if (
			t.signal.kind === "trait" &&
			(valuesPerTrait.get(t.signal.key.slice(0, t.signal.key.indexOf("="))) ?? 0) > MAX_VALUES
		)
			continue;
		const converted = [...t.leads].filter((id) => sqlLeads.has(id)).length;
		const won = [...t.leads].filter((id) => wonLeads.has(id)).length;
		signals.push({
			...t.signal,
			leads: t.leads.size,
			sql: liftOf(converted, t.leads.size, sqlLeads.size - converted, total - t.leads.size),
			won: liftOf(won, t.leads.size, wonLeads.size - won, total - t.leads.size),
			daysBeforeSql: median(t.daysBefore),
		});
	}
	// strongest first: by the lower end of the interval, so a big lift on three leads does not lead
	signals.sort((a, b) => (b.sql.low ?? 0) - (a.sql.low ?? 0) || b.leads - a.leads);
	return {
		period: { ...period, zone: query.zone, start: start.toISOString(), end: end.toISOString() },
		modelVersion: model.version,
		leads: total,
		sqlLeads: sqlLeads.size,
		wonLeads: wonLeads.size,
		signals: signals.slice(0, query.limit),
	};
}
