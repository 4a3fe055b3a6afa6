import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T = Record<string, unknown>> = ColumnType<T, string, string>;

export interface ApiKeysTable {
	id: string;
	kind: "write" | "secret";
	name: string;
	prefix: string;
	secret_hash: string;
	created_at: Generated<Date>;
	revoked_at: Timestamp | null;
}

export interface LeadsTable {
	id: string;
	email: string | null;
	user_id: string | null;
	traits: Json;
	timezone: string | null;
	consent_status: "subscribed" | "unsubscribed" | "bounced";
	consent_at: Timestamp | null;
	consent_source: string | null;
	stage: string;
	merged_into: string | null;
	first_seen_at: Timestamp;
	last_seen_at: Timestamp;
	created_at: Generated<Date>;
	updated_at: Generated<Date>;
}

export interface IdentitiesTable {
	kind: "email" | "user" | "anonymous";
	value: string;
	lead_id: string;
	created_at: Generated<Date>;
}

export interface EventsTable {
	lead_id: string;
	message_id: string;
	type: string;
	event: string | null;
	name: string | null;
	anonymous_id: string | null;
	user_id: string | null;
	properties: Json;
	traits: Json;
	context: Json;
	device_class: string | null;
	page_path: string | null;
	timestamp: Timestamp;
	sent_at: Timestamp | null;
	received_at: Timestamp;
}

export interface JobsTable {
	id: Generated<number>;
	kind: string;
	payload: Json;
	run_at: Generated<Date>;
	attempts: Generated<number>;
	max_attempts: Generated<number>;
	last_error: string | null;
	locked_until: Date | null;
	done_at: Date | null;
	created_at: Generated<Date>;
}

export interface Tables {
	api_keys: ApiKeysTable;
	leads: LeadsTable;
	identities: IdentitiesTable;
	events: EventsTable;
	jobs: JobsTable;
}
