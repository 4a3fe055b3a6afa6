import { createInterface } from "node:readline/promises";
import { createUser, disableUser, listUsers, type Role } from "../../app/users.js";
import { isUuid } from "../../domain/ids.js";
import type { Db } from "../../storage/database.js";
import { readConfig } from "../config.js";
import { openStore } from "../open-store.js";
import { parseCommand } from "./args.js";

const USAGE = `Usage:
  qualify users create --email E --name N --role admin|marketing|sales [--owner OWNER]
  qualify users list
  qualify users disable USER_ID

The password is read from QUALIFY_PASSWORD, or else from the first line of standard input
(asked for on a terminal); it needs at least 10 characters. Roles: admin (everything),
marketing (leads, scoring models, analytics), sales (the queue: accept, reject, touch).
--owner links a sales user to the sales owner (by e-mail or id) whose queue is theirs;
a sales user with no owner is a manager and sees every rep's queue.`;

async function readPassword(): Promise<string> {
	if (process.env.QUALIFY_PASSWORD) return process.env.QUALIFY_PASSWORD;
	const rl = createInterface({ input: process.stdin, output: process.stdin.isTTY ? process.stdout : undefined });
	try {
		return (await rl.question(process.stdin.isTTY ? "Password: " : "")).trim();
	} finally {
		rl.close();
	}
}

/** The sales owner an e-mail or id names. */
async function ownerIdOf(db: Db, owner: string): Promise<string> {
	const byEmail = await db
		.selectFrom("owners")
		.select("id")
		.where("email", "=", owner.trim().toLowerCase())
		.executeTakeFirst();
	if (byEmail) return byEmail.id;
	if (isUuid(owner)) {
		const byId = await db.selectFrom("owners").select("id").where("id", "=", owner).executeTakeFirst();
		if (byId) return byId.id;
	}
	throw new TypeError(`--owner: no sales owner ${owner}; add them to a team first (Settings → Sales team)`);
}

export async function usersCommand(args: string[]) {
	const parsed = parseCommand(
		args,
		{ email: { type: "string" }, name: { type: "string" }, role: { type: "string" }, owner: { type: "string" } },
		USAGE,
		true,
	);
	if (!parsed) return;
	const [action, id] = parsed.positionals;
	const { email, name, role, owner } = parsed.values;
	const isRole = (value: unknown): value is Role => value === "admin" || value === "marketing" || value === "sales";
	if (action === "create") {
		if (!email || !name) throw new TypeError("--email and --name are required");
		if (!isRole(role)) throw new TypeError("--role must be admin, marketing or sales");
	} else if (action !== "list" && action !== "disable") throw new TypeError(`Say create, list or disable.\n\n${USAGE}`);
	if (action === "disable" && !id) throw new TypeError("Name the user: qualify users disable USER_ID");
	const password = action === "create" ? await readPassword() : "";
	const store = await openStore(readConfig());
	try {
		if (action === "create" && isRole(role)) {
			const ownerId = owner ? await ownerIdOf(store.db, owner) : null;
			const user = await createUser(store.db, { email: email ?? "", name: name ?? "", role, password, ownerId });
			const queue = ownerId ? `; their queue is owner ${owner}'s` : "";
			console.log(`Created ${user.role} ${user.email} (${user.id})${queue}. They can sign in now.`);
		} else if (action === "list") {
			for (const u of await listUsers(store.db)) console.log(`${u.id}  ${u.role.padEnd(9)}  ${u.email}  ${u.name}`);
		} else if (id) {
			await disableUser(store.db, id);
			console.log(`Disabled ${id}; their sessions have ended.`);
		}
	} finally {
		await store.close();
	}
}
