import { randomUUID } from "node:crypto";
import { sql, type Transaction } from "kysely";
import { AppError, errorCode } from "../domain/errors.js";
import { compileRouting } from "../domain/handoff.js";
import { isUuid } from "../domain/ids.js";
import type { OwnerSettings, RoutingRuleSettings, TeamSettings } from "../schemas/handoff.js";
import { Condition } from "../schemas/scoring-model.js";
import type { Db } from "../storage/database.js";
import { teamsOf } from "../storage/sales-rows.js";
import type { Tables } from "../storage/tables.js";
import { inTransaction } from "../storage/transaction.js";

// Teams, owners and routing rules: the few tables sales managers set up once and adjust.

const teamColumns = (t: TeamSettings) => ({
	name: t.name,
	timezone: t.timezone,
	sla_minutes: t.slaMinutes,
	business_days: t.businessDays,
	business_start: t.businessStart,
	business_end: t.businessEnd,
	manager_email: t.managerEmail,
	escalation: t.escalation,
});

function conflictOnDuplicate(what: string) {
	return (error: unknown) => {
		if (errorCode(error) === "23505") throw new AppError("conflict", `${what} already exists.`);
		if (errorCode(error) === "23503")
			throw new AppError("validation_failed", "It names a team or owner that does not exist.", [
				{ field: "teamId", message: "no such team or owner" },
			]);
		throw error;
	};
}

export async function listTeams(db: Db) {
	return (await teamsOf(db)).map((t) => ({
		id: t.id,
		name: t.name,
		timezone: t.hours.timezone,
		slaMinutes: t.slaMinutes,
		businessDays: [...t.hours.days],
		businessStart: t.hours.start,
		businessEnd: t.hours.end,
		managerEmail: t.managerEmail,
		escalation: t.escalation,
	}));
}

export async function createTeam(db: Db, input: TeamSettings) {
	const id = randomUUID();
	await db
		.insertInto("teams")
		.values({ id, ...teamColumns(input) })
		.execute()
		.catch(conflictOnDuplicate(`A team named "${input.name}"`));
	return (await listTeams(db)).find((t) => t.id === id);
}

/**
 * Deletes a team. One with people, handoffs or routing rules is merged into `moveTo`: its people,
 * their handoffs (open and past, so the history keeps a team) and its routing rules move there,
 * in one transaction. Returns what moved, so the page can say it.
 */
export async function deleteTeam(db: Db, id: string, moveTo: string | null) {
	if (!isUuid(id)) throw new AppError("not_found", `No team ${id}.`);
	return inTransaction(db, async (trx) => {
		const team = await trx.selectFrom("teams").select("name").where("id", "=", id).forUpdate().executeTakeFirst();
		if (!team) throw new AppError("not_found", `No team ${id}.`);
		const counts = await sql<{ owners: number; open: number; handoffs: number; rules: number }>`select
			(select count(*)::int from owners where team_id = ${id}::uuid) as owners,
			(select count(*)::int from handoffs where team_id = ${id}::uuid and status = 'open') as open,
			(select count(*)::int from handoffs where team_id = ${id}::uuid) as handoffs,
			(select count(*)::int from routing_rules where team_id = ${id}::uuid) as rules`.execute(trx);
		const c = counts.rows[0] ?? { owners: 0, open: 0, handoffs: 0, rules: 0 };
		const busy = c.owners + c.handoffs + c.rules > 0;
		if (busy && !moveTo)
			throw new AppError(
				"conflict",
				`${team.name} has ${c.owners} people, ${c.open} open handoffs and ${c.rules} routing rules: choose a team to move them to.`,
				[{ field: "moveTo", message: "required while the team has people, handoffs or rules" }],
			);
		if (busy && moveTo) {
			if (moveTo === id || !isUuid(moveTo))
				throw new AppError("validation_failed", "Move them to another team.", [
					{ field: "moveTo", message: "another team" },
				]);
			const target = await trx.selectFrom("teams").select("id").where("id", "=", moveTo).executeTakeFirst();
			if (!target)
				throw new AppError("validation_failed", "No such team to move to.", [
					{ field: "moveTo", message: "no such team" },
				]);
			for (const table of ["owners", "handoffs", "routing_rules"] as const)
				await trx.updateTable(table).set({ team_id: moveTo }).where("team_id", "=", id).execute();
		}
		await trx.deleteFrom("teams").where("id", "=", id).execute();
		return { moved: { people: c.owners, openHandoffs: c.open, handoffs: c.handoffs, routingRules: c.rules } };
	});
}

export async function updateTeam(db: Db, id: string, input: TeamSettings) {
	const updated = isUuid(id)
		? await db
				.updateTable("teams")
				.set(teamColumns(input))
				.where("id", "=", id)
				.executeTakeFirst()
				.catch(conflictOnDuplicate(`A team named "${input.name}"`))
		: null;
	if (!updated || updated.numUpdatedRows === 0n) throw new AppError("not_found", `No team ${id}.`);
	return (await listTeams(db)).find((t) => t.id === id);
}

/** An owner's settings; who signs in as them is left as it is when not given. */
type OwnerInput = Omit<OwnerSettings, "userId"> & { userId?: string | null };

const ownerColumns = (o: OwnerInput) => ({
	name: o.name,
	email: o.email.toLowerCase(),
	team_id: o.teamId,
	timezone: o.timezone,
	away: o.away,
	max_open: o.maxOpen,
	active: o.active,
});

export async function listOwners(db: Db, teamId?: string) {
	const rows = await sql<{
		id: string;
		name: string;
		email: string;
		team_id: string;
		timezone: string | null;
		away: boolean;
		max_open: number;
		active: boolean;
		open: number;
		user_id: string | null;
	}>`select o.*, (select count(*)::int from handoffs h where h.owner_id = o.id and h.status = 'open') as open,
			(select u.id from users u where u.owner_id = o.id and u.disabled_at is null order by u.email limit 1) as user_id
		from owners o where (${teamId ?? null}::uuid is null or o.team_id = ${teamId ?? null}::uuid)
		order by o.name, o.id`.execute(db);
	return rows.rows.map((o) => ({
		id: o.id,
		name: o.name,
		email: o.email,
		teamId: o.team_id,
		timezone: o.timezone,
		away: o.away,
		maxOpen: o.max_open,
		active: o.active,
		openHandoffs: o.open,
		userId: o.user_id,
	}));
}

/** The person who signs in as this owner: linked to it, and no one else is. */
async function linkUser(trx: Transaction<Tables>, ownerId: string, userId: string | null): Promise<void> {
	await trx.updateTable("users").set({ owner_id: null }).where("owner_id", "=", ownerId).execute();
	if (!userId) return;
	const linked = await trx
		.updateTable("users")
		.set({ owner_id: ownerId })
		.where("id", "=", userId)
		.where("disabled_at", "is", null)
		.executeTakeFirst();
	if (linked.numUpdatedRows === 0n)
		throw new AppError("validation_failed", "No such user.", [{ field: "userId", message: "no such user" }]);
}

export async function createOwner(db: Db, input: OwnerInput) {
	const id = randomUUID();
	await inTransaction(db, async (trx) => {
		await trx
			.insertInto("owners")
			.values({ id, ...ownerColumns(input) })
			.execute()
			.catch(conflictOnDuplicate(`An owner with e-mail ${input.email}`));
		if (input.userId !== undefined) await linkUser(trx, id, input.userId);
	});
	return (await listOwners(db)).find((o) => o.id === id);
}

/** Changes an owner; `away: true` takes them out of round-robin without touching their open handoffs. */
export async function updateOwner(db: Db, id: string, input: OwnerInput) {
	if (!isUuid(id)) throw new AppError("not_found", `No owner ${id}.`);
	await inTransaction(db, async (trx) => {
		const updated = await trx
			.updateTable("owners")
			.set(ownerColumns(input))
			.where("id", "=", id)
			.executeTakeFirst()
			.catch(conflictOnDuplicate(`An owner with e-mail ${input.email}`));
		if (updated.numUpdatedRows === 0n) throw new AppError("not_found", `No owner ${id}.`);
		if (input.userId !== undefined) await linkUser(trx, id, input.userId);
	});
	return (await listOwners(db)).find((o) => o.id === id);
}

function checkCondition(input: RoutingRuleSettings) {
	const { problems } = compileRouting([
		{ id: "new", name: input.name, condition: input.condition, teamId: input.teamId, ownerId: input.ownerId },
	]);
	if (problems.length > 0)
		throw new AppError(
			"validation_failed",
			"The routing condition has problems.",
			problems.map((p) => ({ ...p, field: p.field.replace(/^rules\.0\./, "") })),
		);
}

export async function listRoutingRules(db: Db) {
	const rows = await db.selectFrom("routing_rules").selectAll().orderBy("position").orderBy("created_at").execute();
	return rows.map((r) => ({
		id: r.id,
		name: r.name,
		position: r.position,
		condition: Condition.parse(r.condition),
		teamId: r.team_id,
		ownerId: r.owner_id,
		enabled: r.enabled,
	}));
}

const ruleColumns = (input: RoutingRuleSettings) => ({
	name: input.name,
	position: input.position,
	condition: JSON.stringify(input.condition),
	team_id: input.teamId,
	owner_id: input.ownerId,
	enabled: input.enabled,
});

export async function createRoutingRule(db: Db, input: RoutingRuleSettings) {
	checkCondition(input);
	const id = randomUUID();
	await db
		.insertInto("routing_rules")
		.values({ id, ...ruleColumns(input) })
		.execute()
		.catch(conflictOnDuplicate("That rule"));
	return (await listRoutingRules(db)).find((r) => r.id === id);
}

/** Replaces a rule: its condition, target, position (the order rules are tried in) or switch. */
export async function updateRoutingRule(db: Db, id: string, input: RoutingRuleSettings) {
	checkCondition(input);
	const updated = isUuid(id)
		? await db
				.updateTable("routing_rules")
				.set(ruleColumns(input))
				.where("id", "=", id)
				.executeTakeFirst()
				.catch(conflictOnDuplicate("That rule"))
		: null;
	if (!updated || updated.numUpdatedRows === 0n) throw new AppError("not_found", `No routing rule ${id}.`);
	return (await listRoutingRules(db)).find((r) => r.id === id);
}

export async function deleteRoutingRule(db: Db, id: string) {
	const deleted = isUuid(id) ? await db.deleteFrom("routing_rules").where("id", "=", id).executeTakeFirst() : null;
	if (!deleted || deleted.numDeletedRows === 0n) throw new AppError("not_found", `No routing rule ${id}.`);
}
