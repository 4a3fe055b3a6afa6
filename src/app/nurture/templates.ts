import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import { AppError, errorCode } from "../../domain/errors.js";
import { renderTemplate, templateProblems } from "../../email/templates.js";
import type { RenderedEmail, Template, TemplateInput } from "../../schemas/nurture.js";
import type { Db } from "../../storage/database.js";
import type { EmailTemplatesTable } from "../../storage/tables.js";
import { leadTemplateContext, sampleTemplateContext } from "./lead-context.js";

const PREVIEW_LINKS = {
	unsubscribe: "https://example.com/unsubscribe",
	preferences: "https://example.com/preferences",
};

function templateOf(row: Selectable<EmailTemplatesTable>): Template {
	return {
		id: row.id,
		name: row.name,
		subject: row.subject,
		html: row.html,
		text: row.text_body,
		updatedAt: new Date(row.updated_at).toISOString(),
	};
}

function checked(input: TemplateInput): TemplateInput {
	const problems = templateProblems(input);
	if (problems.length > 0) throw new AppError("validation_failed", "The template has problems.", problems);
	return input;
}

const nameTaken = (name: string) =>
	new AppError("conflict", `A template named "${name}" exists already.`, [{ field: "name", message: "taken" }]);

export async function createTemplate(db: Db, input: TemplateInput): Promise<Template> {
	const t = checked(input);
	try {
		const row = await db
			.insertInto("email_templates")
			.values({ id: randomUUID(), name: t.name, subject: t.subject, html: t.html, text_body: t.text })
			.returningAll()
			.executeTakeFirstOrThrow();
		return templateOf(row);
	} catch (error) {
		if (errorCode(error) === "23505") throw nameTaken(t.name);
		throw error;
	}
}

/** A template's new wording; sends not yet made use it. */
export async function updateTemplate(db: Db, id: string, input: TemplateInput): Promise<Template> {
	const t = checked(input);
	try {
		const row = await db
			.updateTable("email_templates")
			.set({ name: t.name, subject: t.subject, html: t.html, text_body: t.text, updated_at: new Date() })
			.where("id", "=", id)
			.returningAll()
			.executeTakeFirst();
		if (!row) throw new AppError("not_found", "No such template.");
		return templateOf(row);
	} catch (error) {
		if (errorCode(error) === "23505") throw nameTaken(t.name);
		throw error;
	}
}

export async function listTemplates(db: Db): Promise<Template[]> {
	return (await db.selectFrom("email_templates").selectAll().orderBy("name").execute()).map(templateOf);
}

export async function getTemplate(db: Db, id: string): Promise<Template> {
	const row = await db.selectFrom("email_templates").selectAll().where("id", "=", id).executeTakeFirst();
	if (!row) throw new AppError("not_found", "No such template.");
	return templateOf(row);
}

/**
 * Deletes a template that no version of a sequence still in use sends (running enrolments may
 * be on an older version than the current one).
 */
export async function deleteTemplate(db: Db, id: string): Promise<void> {
	const user = await db
		.selectFrom("sequence_versions as v")
		.innerJoin("sequences as s", "s.id", "v.sequence_id")
		.select("s.name")
		.where("s.status", "!=", "archived")
		.where((eb) => eb(eb.cast("v.definition", "text"), "like", `%"${id}"%`))
		.executeTakeFirst();
	if (user) throw new AppError("conflict", `The sequence "${user.name}" sends this template; change it first.`);
	const gone = await db.deleteFrom("email_templates").where("id", "=", id).executeTakeFirst();
	if (gone.numDeletedRows === 0n) throw new AppError("not_found", "No such template.");
}

/** A template's parts as one lead (or a made-up one) would get them; problems are named first. */
export async function previewTemplate(
	db: Db,
	input: { subject: string; html: string; text: string; leadId?: string | undefined },
): Promise<RenderedEmail> {
	const problems = templateProblems(input);
	if (problems.length > 0) throw new AppError("validation_failed", "The template has problems.", problems);
	const context = input.leadId
		? await leadTemplateContext(db, input.leadId, PREVIEW_LINKS)
		: sampleTemplateContext(PREVIEW_LINKS);
	if (!context) throw new AppError("not_found", "No such lead.", [{ field: "leadId", message: "no such lead" }]);
	return renderTemplate(input, context);
}
