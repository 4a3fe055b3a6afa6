import { sql, type Transaction } from "kysely";
import type { NormalizedEvent } from "../domain/normalize-message.js";
import type { Db } from "./database.js";
import type { Tables } from "./tables.js";

/**
 * Writes events in one statement. The rows travel as one JSON document of positional arrays:
 * one native JSON.stringify instead of fifteen arrays whose every element the driver must
 * escape, without the column names repeated on every row, and the batch's receive time once.
 */
export async function insertEvents(
	trx: Transaction<Tables> | Db,
	events: readonly NormalizedEvent[],
	leadIds: readonly string[],
) {
	const receivedAt = events[0]?.receivedAt ?? new Date(0);
	const rows = events.map((e, i) => [
		leadIds[i],
		e.messageId,
		e.type,
		e.event,
		e.name,
		e.anonymousId,
		e.userId,
		e.properties,
		e.traits,
		e.context,
		e.deviceClass,
		e.pagePath,
		e.timestamp.getTime(),
		e.sentAt?.getTime() ?? null,
		e.receivedAt.getTime() === receivedAt.getTime() ? null : e.receivedAt.getTime(),
	]);
	await sql`insert into events (lead_id, message_id, type, event, name, anonymous_id, user_id, properties, traits,
			context, device_class, page_path, timestamp, sent_at, received_at)
		select (r->>0)::uuid, r->>1, r->>2, r->>3, r->>4, r->>5, r->>6, r->7, r->8, r->9, r->>10, r->>11,
			to_timestamp((r->>12)::float8 / 1000), to_timestamp((r->>13)::float8 / 1000),
			coalesce(to_timestamp((r->>14)::float8 / 1000), ${receivedAt}::timestamptz)
		from jsonb_array_elements(${JSON.stringify(rows)}::jsonb) as r`.execute(trx);
}
