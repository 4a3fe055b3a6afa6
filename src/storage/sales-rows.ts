import { sql, type Transaction } from "kysely";
import type { BusinessHours, OwnerLoad } from "../domain/handoff.js";
import type { Db } from "./database.js";
import type { Tables } from "./tables.js";

type Executor = Transaction<Tables> | Db;

export interface TeamHours {
	id: string;
	name: string;
	slaMinutes: number;
	hours: BusinessHours;
	managerEmail: string | null;
	escalation: "notify" | "reassign";
}

interface TeamRow {
	id: string;
	name: string;
	timezone: string;
	sla_minutes: number;
	business_days: number[];
	business_start: string;
	business_end: string;
	manager_email: string | null;
	escalation: "notify" | "reassign";
}

/** Teams with their hours as "HH:MM": one, row-locked (assignments to it then queue), or all. */
export async function teamsOf(db: Executor, only: { id: string; lock: boolean } | null = null): Promise<TeamHours[]> {
	const rows = await sql<TeamRow>`select id, name, timezone, sla_minutes, business_days,
			to_char(business_start, 'HH24:MI') as business_start, to_char(business_end, 'HH24:MI') as business_end,
			manager_email, escalation
		from teams where ${only ? sql`id = ${only.id}::uuid` : sql`true`} order by created_at, id
		${only?.lock ? sql`for update` : sql``}`.execute(db);
	return rows.rows.map((row) => ({
		id: row.id,
		name: row.name,
		slaMinutes: row.sla_minutes,
		hours: { days: row.business_days, start: row.business_start, end: row.business_end, timezone: row.timezone },
		managerEmail: row.manager_email,
		escalation: row.escalation,
	}));
}

/** A team and its business hours, row-locked so that assignments to it queue. */
export async function lockTeam(trx: Transaction<Tables>, teamId: string): Promise<TeamHours | null> {
	return (await teamsOf(trx, { id: teamId, lock: true }))[0] ?? null;
}

/** The team's owners with their open handoffs, for round-robin. */
export async function ownerLoads(
	trx: Transaction<Tables>,
	teamId: string,
	except: string | null = null,
): Promise<OwnerLoad[]> {
	const rows = await sql<{
		id: string;
		active: boolean;
		away: boolean;
		max_open: number;
		last_assigned_at: Date | null;
		open: number;
	}>`select o.id, o.active, o.away, o.max_open, o.last_assigned_at,
			(select count(*)::int from handoffs h where h.owner_id = o.id and h.status = 'open') as open
		from owners o where o.team_id = ${teamId}::uuid and o.id is distinct from ${except}::uuid`.execute(trx);
	return rows.rows.map((o) => ({
		id: o.id,
		active: o.active,
		away: o.away,
		open: o.open,
		maxOpen: o.max_open,
		lastAssignedAt: o.last_assigned_at ? new Date(o.last_assigned_at).getTime() : null,
	}));
}
