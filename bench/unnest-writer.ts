import { sql, type Transaction } from "kysely";
import type { NormalizedEvent } from "../src/domain/normalize-message.js";
import type { Db } from "../src/storage/database.js";
import type { Tables } from "../src/storage/tables.js";

/** The baseline: the same rows as one array a column, unnested on the server. */
export async function insertEventsByUnnest(
	trx: Transaction<Tables> | Db,
	events: readonly NormalizedEvent[],
	leadIds: readonly string[],
) {
	const column = <T>(pick: (e: NormalizedEvent) => T) => events.map(pick);
	await sql`insert into events (lead_id, message_id, type, event, name, anonymous_id, user_id, properties, traits,
			context, device_class, page_path, timestamp, sent_at, received_at)
		select lead_id, message_id, type, event, name, anonymous_id, user_id, properties::jsonb, traits::jsonb,
			context::jsonb, device_class, page_path, ts, sent_at, received_at
		from unnest(${leadIds}::uuid[], ${column((e) => e.messageId)}::text[], ${column((e) => e.type)}::text[],
			${column((e) => e.event)}::text[], ${column((e) => e.name)}::text[], ${column((e) => e.anonymousId)}::text[],
			${column((e) => e.userId)}::text[], ${column((e) => JSON.stringify(e.properties))}::text[],
			${column((e) => JSON.stringify(e.traits))}::text[], ${column((e) => JSON.stringify(e.context))}::text[],
			${column((e) => e.deviceClass)}::text[], ${column((e) => e.pagePath)}::text[],
			${column((e) => e.timestamp.toISOString())}::timestamptz[], ${column((e) => e.sentAt?.toISOString() ?? null)}::timestamptz[],
			${column((e) => e.receivedAt.toISOString())}::timestamptz[])
		as r(lead_id, message_id, type, event, name, anonymous_id, user_id, properties, traits, context,
			device_class, page_path, ts, sent_at, received_at)`.execute(trx);
}
