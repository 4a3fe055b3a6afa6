import { createHash, randomBytes, randomUUID } from "node:crypto";
import { sql } from "kysely";
import { AppError, errorCode } from "../domain/errors.js";
import { isUuid } from "../domain/ids.js";
import { SIGN_IN_RULES, waitBeforeNextTry } from "../domain/sign-in-throttle.js";
import type { Role, User } from "../schemas/users.js";
import type { Db } from "../storage/database.js";
import { inTransaction } from "../storage/transaction.js";
import { hashPassword, passwordProblem, verifyPassword } from "./passwords.js";

export type { Role, User } from "../schemas/users.js";

/** A session lasts 12 hours from its last use, and 7 days at most. */
const IDLE_MS = 12 * 3_600_000;
const ABSOLUTE_MS = 7 * 86_400_000;
const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

function refuseWeak(password: string, field: string): void {
	const problem = passwordProblem(password);
	if (problem)
		throw new AppError("validation_failed", `The password is too weak: ${problem}.`, [{ field, message: problem }]);
}

export async function createUser(
	db: Db,
	input: { email: string; name: string; role: Role; password: string; ownerId?: string | null },
): Promise<User> {
	refuseWeak(input.password, "password");
	if (input.name.trim() === "")
		throw new AppError("validation_failed", "The name must not be blank.", [
			{ field: "name", message: "must not be blank" },
		]);
	const user = {
		id: randomUUID(),
		email: input.email.trim().toLowerCase(),
		name: input.name,
		role: input.role,
		ownerId: input.ownerId ?? null,
	};
	await db
		.insertInto("users")
		.values({
			id: user.id,
			email: user.email,
			name: user.name,
			role: user.role,
			owner_id: user.ownerId,
			password_hash: await hashPassword(input.password),
		})
		.execute()
		.catch((error) => {
			if (errorCode(error) === "23505")
				throw new AppError("conflict", `A user with e-mail ${user.email} already exists.`);
			if (errorCode(error) === "23503")
				throw new AppError("validation_failed", "No such sales owner.", [
					{ field: "ownerId", message: "no such owner" },
				]);
			throw error;
		});
	return user;
}

/** A person changes their own password: the current one is checked, their other sessions end. */
export async function changePassword(
	db: Db,
	userId: string,
	input: { currentPassword: string; newPassword: string },
	keepSessionToken: string,
): Promise<void> {
	const row = await db.selectFrom("users").select("password_hash").where("id", "=", userId).executeTakeFirst();
	if (!row || !(await verifyPassword(input.currentPassword, row.password_hash)))
		throw new AppError("forbidden", "The current password is wrong.", [
			{ field: "currentPassword", message: "does not match" },
		]);
	refuseWeak(input.newPassword, "newPassword");
	const hash = await hashPassword(input.newPassword);
	await inTransaction(db, async (trx) => {
		await trx.updateTable("users").set({ password_hash: hash }).where("id", "=", userId).execute();
		await trx
			.deleteFrom("sessions")
			.where("user_id", "=", userId)
			.where("id", "<>", hashOf(keepSessionToken))
			.execute();
	});
}

/** An admin sets a new password for someone who forgot theirs; all their sessions end. */
export async function resetPassword(db: Db, id: string, password: string): Promise<void> {
	if (!isUuid(id)) throw new AppError("not_found", `No user ${id}.`);
	refuseWeak(password, "password");
	const hash = await hashPassword(password);
	await inTransaction(db, async (trx) => {
		const updated = await trx
			.updateTable("users")
			.set({ password_hash: hash })
			.where("id", "=", id)
			.where("disabled_at", "is", null)
			.executeTakeFirst();
		if (updated.numUpdatedRows === 0n) throw new AppError("not_found", `No user ${id}.`);
		await trx.deleteFrom("sessions").where("user_id", "=", id).execute();
	});
}

export async function listUsers(db: Db): Promise<User[]> {
	const rows = await db.selectFrom("users").selectAll().where("disabled_at", "is", null).orderBy("email").execute();
	return rows.map((r) => ({ id: r.id, email: r.email, name: r.name, role: r.role, ownerId: r.owner_id }));
}

export async function countUsers(db: Db): Promise<number> {
	const row = await sql<{ n: number }>`select count(*)::int as n from users`.execute(db);
	return row.rows[0]?.n ?? 0;
}

/**
 * Signs a user in: a new session whose random token goes in an httpOnly cookie (only its hash
 * is stored), with a CSRF token the browser sends back on every change. A wrong e-mail and a
 * wrong password get the same answer, after the same work.
 */
export async function signIn(db: Db, email: string, password: string, address = "unknown") {
	const keys = { email: `email:${email.trim().toLowerCase()}`, address: `address:${address}` };
	await refuseIfThrottled(db, keys);
	const row = await db
		.selectFrom("users")
		.selectAll()
		.where("email", "=", email.trim().toLowerCase())
		.where("disabled_at", "is", null)
		.executeTakeFirst();
	const ok = await verifyPassword(password, row?.password_hash ?? "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AA==");
	if (!row || !ok) {
		await recordFailure(db, keys);
		throw new AppError("unauthorized", "Wrong e-mail or password.");
	}
	await db.deleteFrom("sign_in_failures").where("key", "=", keys.email).execute();
	const token = randomBytes(32).toString("base64url");
	const csrfToken = randomBytes(24).toString("base64url");
	const expires = new Date(Date.now() + IDLE_MS);
	await db
		.insertInto("sessions")
		.values({ id: hashOf(token), user_id: row.id, csrf_token: csrfToken, expires_at: expires })
		.execute();
	return {
		token,
		csrfToken,
		expiresAt: expires,
		user: { id: row.id, email: row.email, name: row.name, role: row.role, ownerId: row.owner_id } satisfies User,
	};
}

type ThrottleKeys = Record<keyof typeof SIGN_IN_RULES, string>;

/** Too many recent failures for this e-mail or this client address: a 429 with when to retry. */
async function refuseIfThrottled(db: Db, keys: ThrottleKeys): Promise<void> {
	const rows = await db
		.selectFrom("sign_in_failures")
		.select(["key", "at"])
		.where("key", "in", Object.values(keys))
		.where("at", ">", new Date(Date.now() - SIGN_IN_RULES.email.windowMs))
		.execute();
	const now = Date.now();
	const wait = Math.max(
		...(Object.keys(keys) as Array<keyof ThrottleKeys>).map((kind) =>
			waitBeforeNextTry(
				rows.filter((r) => r.key === keys[kind]).map((r) => new Date(r.at).getTime()),
				now,
				SIGN_IN_RULES[kind],
			),
		),
	);
	if (wait > 0) {
		const seconds = Math.ceil(wait / 1000);
		throw new AppError(
			"rate_limited",
			`Too many failed sign-ins: try again in ${Math.ceil(seconds / 60)} minute${seconds > 60 ? "s" : ""}.`,
			[],
			seconds,
		);
	}
}

async function recordFailure(db: Db, keys: ThrottleKeys): Promise<void> {
	await db
		.insertInto("sign_in_failures")
		.values(Object.values(keys).map((key) => ({ key })))
		.execute();
	await db
		.deleteFrom("sign_in_failures")
		.where("at", "<", new Date(Date.now() - 86_400_000))
		.execute();
}

/** The user behind a session token, the session slid forward; null when it is unknown or expired. */
export async function sessionUser(db: Db, token: string): Promise<{ user: User; csrfToken: string } | null> {
	const id = hashOf(token);
	const row = await sql<{
		user_id: string;
		csrf_token: string;
		created_at: Date;
		email: string;
		name: string;
		role: Role;
		owner_id: string | null;
	}>`update sessions s set last_seen_at = now(),
			expires_at = least(now() + ${`${IDLE_MS} milliseconds`}::interval, s.created_at + ${`${ABSOLUTE_MS} milliseconds`}::interval)
		from users u
		where s.id = ${id} and u.id = s.user_id and s.expires_at > now() and u.disabled_at is null
		returning s.user_id, s.csrf_token, s.created_at, u.email, u.name, u.role, u.owner_id`.execute(db);
	const found = row.rows[0];
	if (!found) return null;
	return {
		user: { id: found.user_id, email: found.email, name: found.name, role: found.role, ownerId: found.owner_id },
		csrfToken: found.csrf_token,
	};
}

export async function signOut(db: Db, token: string): Promise<void> {
	await db.deleteFrom("sessions").where("id", "=", hashOf(token)).execute();
}

/** Someone must always be able to administer Qualify. */
async function refuseLastAdmin(db: Db, id: string): Promise<void> {
	const admins = await db
		.selectFrom("users")
		.select("id")
		.where("role", "=", "admin")
		.where("disabled_at", "is", null)
		.execute();
	if (admins.length === 1 && admins[0]?.id === id)
		throw new AppError("conflict", "This is the last admin: make someone else an admin first.");
}

/** Changes a user's name, role or sales owner; the last admin keeps their role. */
export async function updateUser(
	db: Db,
	id: string,
	patch: { name?: string; role?: Role; ownerId?: string | null },
): Promise<User> {
	if (!isUuid(id)) throw new AppError("not_found", `No user ${id}.`);
	if (patch.role && patch.role !== "admin") await refuseLastAdmin(db, id);
	const row = await db
		.updateTable("users")
		.set({
			...(patch.name === undefined ? {} : { name: patch.name }),
			...(patch.role === undefined ? {} : { role: patch.role }),
			...(patch.ownerId === undefined ? {} : { owner_id: patch.ownerId }),
		})
		.where("id", "=", id)
		.where("disabled_at", "is", null)
		.returningAll()
		.executeTakeFirst()
		.catch((error) => {
			if (errorCode(error) === "23503")
				throw new AppError("validation_failed", "No such sales owner.", [
					{ field: "ownerId", message: "no such owner" },
				]);
			throw error;
		});
	if (!row) throw new AppError("not_found", `No user ${id}.`);
	return { id: row.id, email: row.email, name: row.name, role: row.role, ownerId: row.owner_id };
}

export async function disableUser(db: Db, id: string): Promise<void> {
	if (!isUuid(id)) throw new AppError("not_found", `No user ${id}.`);
	await refuseLastAdmin(db, id);
	const updated = await db
		.updateTable("users")
		.set({ disabled_at: sql`now()` })
		.where("id", "=", id)
		.executeTakeFirst();
	if (updated.numUpdatedRows === 0n) throw new AppError("not_found", `No user ${id}.`);
	await db.deleteFrom("sessions").where("user_id", "=", id).execute();
}
