import { createHmac, randomBytes, randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { parse } from "csv-parse";
import type { Selectable } from "kysely";
import { attendeesOf } from "../../domain/capture/attendance.js";
import { AppError, errorCode } from "../../domain/errors.js";
import { normalizeEmail } from "../../domain/traits.js";
import { sameSecret } from "../../email/signed-links.js";
import type { AttendanceReport, Webinar, WebinarInput } from "../../schemas/webinars.js";
import type { Db } from "../../storage/database.js";
import type { WebinarsTable } from "../../storage/tables.js";
import { ingestBatch } from "../ingest-batch.js";

function webinarOf(row: Selectable<WebinarsTable>, publicUrl: string): Webinar {
	return {
		id: row.id,
		name: row.name,
		startsAt: new Date(row.starts_at).toISOString(),
		webhookUrl: `${publicUrl.replace(/\/+$/, "")}/hooks/webinars/${row.id}`,
		secret: row.secret,
	};
}

export async function createWebinar(db: Db, input: WebinarInput, publicUrl: string): Promise<Webinar> {
	try {
		const row = await db
			.insertInto("webinars")
			.values({
				id: randomUUID(),
				name: input.name.trim(),
				starts_at: new Date(input.startsAt),
				secret: randomBytes(24).toString("base64url"),
			})
			.returningAll()
			.executeTakeFirstOrThrow();
		return webinarOf(row, publicUrl);
	} catch (error) {
		if (errorCode(error) === "23505")
			throw new AppError("conflict", `A webinar named "${input.name}" exists already.`, [
				{ field: "name", message: "taken" },
			]);
		throw error;
	}
}

export async function listWebinars(db: Db, publicUrl: string): Promise<Webinar[]> {
	return (await db.selectFrom("webinars").selectAll().orderBy("starts_at", "desc").execute()).map((r) =>
		webinarOf(r, publicUrl),
	);
}

async function webinarRow(db: Db, id: string) {
	const row = await db.selectFrom("webinars").selectAll().where("id", "=", id).executeTakeFirst();
	if (!row) throw new AppError("not_found", "No such webinar.");
	return row;
}

/** An attendance as ingest takes it: the person (known by e-mail) and a `webinar_attended` event. */
function attendance(
	webinar: Selectable<WebinarsTable>,
	person: { email: string; name: string | null },
	minutes: number,
	at: Date,
	messageId: string,
) {
	const shared = { anonymousId: `qualify-email:${person.email}`, timestamp: at.toISOString() };
	return [
		{
			...shared,
			type: "identify",
			messageId: `${messageId}:identify`,
			traits: { email: person.email, ...(person.name ? { name: person.name } : {}) },
		},
		{
			...shared,
			type: "track",
			messageId,
			event: "webinar_attended",
			context: { traits: { email: person.email } },
			properties: { webinar_id: webinar.id, webinar: webinar.name, minutes: Math.round(minutes * 10) / 10 },
		},
	];
}

/**
 * Attendance from the platform's attendee export, all or nothing: each person's minutes (rejoins
 * added up) as one `webinar_attended` event; the same file again changes nothing.
 */
export async function recordAttendance(db: Db, id: string, file: Readable, now: Date): Promise<AttendanceReport> {
	const webinar = await webinarRow(db, id);
	const rows: string[][] = [];
	for await (const record of file.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true })))
		rows.push(record as string[]);
	const { attendees, rows: counted, problems } = attendeesOf(rows);
	if (problems.length > 0)
		throw new AppError(
			"validation_failed",
			"The attendance file has problems; nothing was recorded.",
			problems.slice(0, 20),
		);
	const messages = attendees.flatMap((a) =>
		attendance(
			webinar,
			a,
			a.minutes,
			a.joinedAt ?? new Date(webinar.starts_at),
			`webinar:${webinar.id}:attended:${a.email}`,
		),
	);
	for (let i = 0; i < messages.length; i += 500) {
		const result = await ingestBatch(db, messages.slice(i, i + 500), { receivedAt: now });
		if (result.errors.length > 0)
			throw new AppError("validation_failed", "Some attendances could not be stored.", result.errors);
	}
	return { rows: counted, attendees: attendees.length, minutes: attendees.reduce((n, a) => n + a.minutes, 0) };
}

const hmacHex = (secret: string, text: string) => createHmac("sha256", secret).update(text).digest("hex");

/**
 * A webinar platform's signed post, in Zoom's shape: `x-zm-signature: v0=HMAC(secret,
 * "v0:{x-zm-request-timestamp}:{body}")`, at most five minutes old. Its URL check is answered;
 * each `webinar.participant_left` is an attendance of the minutes between join and leave.
 */
export async function receiveWebinarHook(
	db: Db,
	id: string,
	body: string,
	headers: { signature?: string | undefined; timestamp?: string | undefined },
	now: Date,
): Promise<Record<string, unknown>> {
	const webinar = await webinarRow(db, id);
	const ts = Number(headers.timestamp);
	const expected = `v0=${hmacHex(webinar.secret, `v0:${headers.timestamp}:${body}`)}`;
	const given = headers.signature ?? "";
	if (!Number.isFinite(ts) || Math.abs(now.getTime() - ts * 1000) > 5 * 60_000 || !sameSecret(given, expected))
		throw new AppError("unauthorized", "x-zm-signature is missing, stale or does not match the body");
	let hook: { event?: string; payload?: Record<string, unknown> };
	try {
		hook = JSON.parse(body);
	} catch {
		throw new AppError("validation_failed", "The body is not JSON.", [{ field: "", message: "not JSON" }]);
	}
	if (hook.event === "endpoint.url_validation") {
		const plainToken = String(hook.payload?.plainToken ?? "");
		return { plainToken, encryptedToken: hmacHex(webinar.secret, plainToken) };
	}
	if (hook.event !== "webinar.participant_left") return { ignored: hook.event ?? null };
	const object = (hook.payload?.object ?? {}) as { participant?: Record<string, unknown> };
	const p = object.participant ?? {};
	const email = normalizeEmail(p.email);
	const joined = new Date(String(p.join_time ?? ""));
	const left = new Date(String(p.leave_time ?? ""));
	if (!email || Number.isNaN(joined.getTime()) || Number.isNaN(left.getTime()))
		throw new AppError("validation_failed", "A participant needs email, join_time and leave_time.", [
			{ field: "payload.object.participant", message: "email, join_time and leave_time" },
		]);
	const minutes = Math.max(0, (left.getTime() - joined.getTime()) / 60_000);
	const name = typeof p.user_name === "string" ? p.user_name : null;
	const result = await ingestBatch(
		db,
		attendance(
			webinar,
			{ email, name },
			minutes,
			joined,
			`webinar:${webinar.id}:left:${email}:${joined.toISOString()}`,
		),
		{ receivedAt: now },
	);
	if (result.errors.length > 0)
		throw new AppError("validation_failed", "The attendance could not be stored.", result.errors);
	return { recorded: result.accepted > 0 ? 1 : 0 };
}
