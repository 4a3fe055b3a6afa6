import { sql } from "kysely";

/** The lead columns scoring reads, spelled once: for select lists, `returning` and Kysely. */
export const PROFILE_COLUMNS = [
	"id",
	"email",
	"timezone",
	"traits",
	"consent_status",
	"stage",
	"mql_cooldown_until",
	"score_reset_at",
	"stage_changed_at",
	"predicted_chance",
] as const;

/** A lead's profile row as scoring reads it. */
export interface ProfileRow {
	id: string;
	email: string | null;
	timezone: string | null;
	traits: Record<string, unknown>;
	consent_status: string;
	stage: string;
	mql_cooldown_until: Date | null;
	score_reset_at: Date | null;
	stage_changed_at: Date | null;
	predicted_chance: number | null;
}

/** The profile columns in SQL, of the leads table or of an alias of it (`l.id, l.email, …`). */
export const profileColumns = (alias?: string) =>
	sql.join(PROFILE_COLUMNS.map((column) => sql.ref(alias ? `${alias}.${column}` : column)));
