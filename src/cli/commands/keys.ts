import { createApiKey, type KeyKind, listApiKeys, revokeApiKey } from "../../app/api-keys.js";
import { readConfig } from "../config.js";
import { openStore } from "../open-store.js";
import { parseCommand } from "./args.js";

const USAGE = `Usage:
  qualify keys create --kind write|secret [--name NAME]
  qualify keys list
  qualify keys revoke KEY_ID

Write keys may only send events (use them in websites and apps); secret keys may do
everything. A key is shown once, when it is created; only its hash is stored.`;

export async function keysCommand(args: string[]) {
	const parsed = parseCommand(args, { kind: { type: "string" }, name: { type: "string" } }, USAGE, true);
	if (!parsed) return;
	const [action, id] = parsed.positionals;
	if (action !== "create" && action !== "list" && action !== "revoke")
		throw new TypeError(`Say create, list or revoke.\n\n${USAGE}`);
	const kind = parsed.values.kind;
	if (action === "create" && kind !== "write" && kind !== "secret")
		throw new TypeError("--kind must be write or secret");
	if (action === "revoke" && !id) throw new TypeError("Name the key to revoke: qualify keys revoke KEY_ID");
	const store = await openStore(readConfig());
	try {
		if (action === "create") {
			const { key, info } = await createApiKey(store.db, kind as KeyKind, parsed.values.name ?? `${kind} key`);
			console.log(
				`Created ${info.kind} key ${info.id} (${info.name}). Keep it now; it is not shown again:\n\n  ${key}\n`,
			);
		} else if (action === "list") {
			for (const key of await listApiKeys(store.db)) {
				const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : "active";
				console.log(`${key.id}  ${key.kind.padEnd(6)}  ${key.prefix}…  ${state.padEnd(10)}  ${key.name}`);
			}
		} else if (id) {
			await revokeApiKey(store.db, id);
			console.log(`Revoked ${id}.`);
		}
	} finally {
		await store.close();
	}
}
