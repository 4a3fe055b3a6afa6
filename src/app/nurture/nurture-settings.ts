import { randomBytes } from "node:crypto";
import { sql, type Transaction } from "kysely";
import { AppError } from "../../domain/errors.js";
import { isTimeZone } from "../../domain/traits.js";
import { NurtureSettings } from "../../schemas/nurture.js";
import type { Db } from "../../storage/database.js";
import type { Tables } from "../../storage/tables.js";

const DEFAULTS = NurtureSettings.parse({});

async function row(db: Db | Transaction<Tables>) {
	const found = await db.selectFrom("nurture_settings").select(["settings", "link_secret"]).executeTakeFirst();
	if (found) return found;
	// the first read makes the secret that signs unsubscribe, open and click links
	await sql`insert into nurture_settings (id, settings, link_secret)
		values (1, ${JSON.stringify(DEFAULTS)}::jsonb, ${randomBytes(32).toString("base64url")})
		on conflict (id) do nothing`.execute(db);
	return db.selectFrom("nurture_settings").select(["settings", "link_secret"]).executeTakeFirstOrThrow();
}

/** The settings and the link secret in one read: what each send needs. */
export async function sendingSettings(
	db: Db | Transaction<Tables>,
): Promise<{ settings: NurtureSettings; secret: string }> {
	const found = await row(db);
	return { settings: NurtureSettings.parse(found.settings), secret: found.link_secret };
}

/** The nurture settings in force: the defaults until some are saved. */
export async function nurtureSettings(db: Db | Transaction<Tables>): Promise<NurtureSettings> {
	return NurtureSettings.parse((await row(db)).settings);
}

/** The secret that signs the links in e-mails (made on first use, kept in the database). */
export async function linkSecret(db: Db | Transaction<Tables>): Promise<string> {
	return (await row(db)).link_secret;
}

export async function saveNurtureSettings(db: Db, input: NurtureSettings): Promise<NurtureSettings> {
	if (!isTimeZone(input.defaultTimeZone))
		throw new AppError("validation_failed", "The settings have problems.", [
			{ field: "defaultTimeZone", message: `"${input.defaultTimeZone}" is not a time zone such as Europe/Berlin` },
		]);
	await row(db);
	await db
		.updateTable("nurture_settings")
		.set({ settings: JSON.stringify(input), updated_at: new Date() })
		.where("id", "=", 1)
		.execute();
	return input;
}
