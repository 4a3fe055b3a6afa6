import { sql, type Transaction } from "kysely";
import type { NormalizedEvent } from "../domain/normalize-message.js";
import type { Db } from "./database.js";
import type { Tables } from "./tables.js";

/**
 * Writes events in one statement. The rows travel as one JSON document: one native
 * JSON.stringify instead of fifteen arrays whose every element the driver must escape.
 */
export async function insertEvents(
	trx: Transaction<Tables> | Db,
	events: readonly NormalizedEvent[],
	leadIds: readonly string[],
) {
	const rows = events.map((e, i) => ({
		lead_id: leadIds[i],
		message_id: e.messageId,
		type: e.type,
		event: e.event,
		name: e.name,
		anonymous_id: e.anonymousId,
		user_id: e.userId,
		properties: e.properties,
		traits: e.traits,
		context: e.context,
		device_class: e.deviceClass,
		page_path: e.pagePath,
		timestamp: e.timestamp,
		sent_at: e.sentAt,
		received_at: e.receivedAt,
	}));
	await sql`insert into events (lead_id, message_id, type, event, name, anonymous_id, user_id, properties, traits,
			context, device_class, page_path, timestamp, sent_at, received_at)
		select lead_id, message_id, type, event, name, anonymous_id, user_id, properties, traits,
			context, device_class, page_path, timestamp, sent_at, received_at
		from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(lead_id uuid, message_id text, type text,
			event text, name text, anonymous_id text, user_id text, properties jsonb, traits jsonb, context jsonb,
			device_class text, page_path text, timestamp timestamptz, sent_at timestamptz, received_at timestamptz)`.execute(
		trx,
	);
}
