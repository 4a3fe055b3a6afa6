import { randomUUID } from "node:crypto";
import { type Selectable, sql } from "kysely";
import { AppError, errorCode } from "../../domain/errors.js";
import { escapeHtml } from "../../email/escape.js";
import { type Form, FormDefinition, type FormInput, type FormResults } from "../../schemas/forms.js";
import type { Db } from "../../storage/database.js";
import type { FormsTable } from "../../storage/tables.js";

function formOf(row: Selectable<FormsTable>, publicUrl: string): Form {
	const url = `${publicUrl.replace(/\/+$/, "")}/f/${row.slug}`;
	return {
		id: row.id,
		name: row.name,
		slug: row.slug,
		definition: FormDefinition.parse(row.definition),
		url,
		embed: `<iframe src="${escapeHtml(url)}" title="${escapeHtml(row.name)}" style="width:100%;min-height:32rem;border:0"></iframe>`,
		updatedAt: new Date(row.updated_at).toISOString(),
	};
}

const slugTaken = (slug: string) =>
	new AppError("conflict", `A form at /f/${slug} exists already.`, [{ field: "slug", message: "taken" }]);

/** A definition whose webinars (the one it registers for, the one its survey follows) exist. */
async function checkedDefinition(db: Db, input: FormInput): Promise<FormDefinition> {
	const definition = FormDefinition.parse(input.definition);
	const named = [
		["definition.webinar", definition.webinar],
		["definition.survey.webinar", definition.survey?.webinar],
	].filter((n): n is [string, string] => n[1] !== undefined);
	for (const [field, id] of named) {
		const found = await db.selectFrom("webinars").select("id").where("id", "=", id).executeTakeFirst();
		if (!found)
			throw new AppError("validation_failed", "The form has problems.", [{ field, message: "no such webinar" }]);
	}
	return definition;
}

export async function createForm(db: Db, input: FormInput, publicUrl: string): Promise<Form> {
	const definition = await checkedDefinition(db, input);
	try {
		const row = await db
			.insertInto("forms")
			.values({ id: randomUUID(), name: input.name.trim(), slug: input.slug, definition: JSON.stringify(definition) })
			.returningAll()
			.executeTakeFirstOrThrow();
		return formOf(row, publicUrl);
	} catch (error) {
		if (errorCode(error) === "23505") throw slugTaken(input.slug);
		throw error;
	}
}

export async function updateForm(db: Db, id: string, input: FormInput, publicUrl: string): Promise<Form> {
	const definition = await checkedDefinition(db, input);
	try {
		const row = await db
			.updateTable("forms")
			.set({
				name: input.name.trim(),
				slug: input.slug,
				definition: JSON.stringify(definition),
				updated_at: new Date(),
			})
			.where("id", "=", id)
			.returningAll()
			.executeTakeFirst();
		if (!row) throw new AppError("not_found", "No such form.");
		return formOf(row, publicUrl);
	} catch (error) {
		if (errorCode(error) === "23505") throw slugTaken(input.slug);
		throw error;
	}
}

export async function listForms(db: Db, publicUrl: string): Promise<Form[]> {
	return (await db.selectFrom("forms").selectAll().orderBy("name").execute()).map((r) => formOf(r, publicUrl));
}

export async function getForm(db: Db, id: string, publicUrl: string): Promise<Form> {
	const row = await db.selectFrom("forms").selectAll().where("id", "=", id).executeTakeFirst();
	if (!row) throw new AppError("not_found", "No such form.");
	return formOf(row, publicUrl);
}

/** The form at a public address, counting the view unless it is a preview; null when there is none. */
export async function showForm(
	db: Db,
	slug: string,
	preview = false,
): Promise<{ id: string; definition: FormDefinition } | null> {
	const row = await sql<{ id: string; definition: unknown }>`update forms set views = views + ${preview ? 0 : 1}
		where slug = ${slug} returning id, definition`.execute(db);
	const found = row.rows[0];
	return found ? { id: found.id, definition: FormDefinition.parse(found.definition) } : null;
}

/**
 * A form started on one page view (the page's script says so at the first field touched): the
 * signed token of that view is counted once; a token not signed for this form is not counted.
 */
export async function recordStart(db: Db, formId: string, token: string, now: Date): Promise<boolean> {
	const done = await sql`insert into form_starts (form_id, token, at) values (${formId}::uuid, ${token}, ${now})
		on conflict do nothing`.execute(db);
	return Number(done.numAffectedRows ?? 0) > 0;
}

/** Views, starts, submissions and what became of the leads who submitted. */
export async function formResults(db: Db, id: string): Promise<FormResults> {
	const row = (
		await sql<{
			views: string;
			starts: number;
			submissions: number;
			confirmed: number;
			leads: number;
			mql: number;
			sql: number;
		}>`
			with s as (select * from form_submissions where form_id = ${id}::uuid)
			select f.views, (select count(*)::int from form_starts t where t.form_id = f.id) as starts,
				(select count(*)::int from s) as submissions,
				(select count(*)::int from s where s.confirmed_at is not null) as confirmed,
				(select count(distinct s.lead_id)::int from s) as leads,
				(select count(distinct s.lead_id)::int from s
					where exists (select 1 from stage_changes c where c.lead_id = s.lead_id and c.to_stage = 'mql'
						and c.at >= s.at)) as mql,
				(select count(distinct s.lead_id)::int from s
					where exists (select 1 from stage_changes c where c.lead_id = s.lead_id
						and c.to_stage in ('sql', 'opportunity', 'customer') and c.at >= s.at)) as sql
			from forms f where f.id = ${id}::uuid`.execute(db)
	).rows[0];
	if (!row) throw new AppError("not_found", "No such form.");
	const views = Number(row.views);
	return {
		views,
		starts: row.starts,
		submissions: row.submissions,
		confirmed: row.confirmed,
		leads: row.leads,
		conversion: views > 0 ? row.submissions / views : null,
		mql: row.mql,
		sql: row.sql,
	};
}
