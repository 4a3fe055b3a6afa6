import { sql, type Transaction } from "kysely";
import type { TemplateContext } from "../../email/templates.js";
import { activeVersion } from "../../storage/active-version.js";
import type { Db } from "../../storage/database.js";
import type { Tables } from "../../storage/tables.js";

interface LeadFacts {
	id: string;
	email: string | null;
	traits: Record<string, unknown>;
	stage: string;
	grade: string | null;
	fit: number | null;
	engagement: number | null;
	owner_name: string | null;
	owner_email: string | null;
	account_name: string | null;
	account_domain: string | null;
	account_fit: number | null;
	account_engagement: number | null;
	account_traits: Record<string, unknown> | null;
}

const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);

/** What a template may say about a lead: its fields, owner and company. */
export async function leadTemplateContext(
	db: Db | Transaction<Tables>,
	leadId: string,
	links: { unsubscribe: string; preferences: string },
): Promise<TemplateContext | null> {
	const f = (
		await sql<LeadFacts>`select l.id, l.email, l.traits, l.stage, s.grade, s.fit, s.engagement,
				o.name as owner_name, o.email as owner_email, a.name as account_name, a.domain as account_domain,
				a.fit as account_fit, a.engagement as account_engagement, a.traits as account_traits
			from leads l
			left join lead_scores s on s.lead_id = l.id and s.model_version = ${activeVersion}
			left join lateral (select owner_id from handoffs h where h.lead_id = l.id
				order by h.assigned_at desc limit 1) h on true
			left join owners o on o.id = h.owner_id
			left join accounts a on a.id = l.account_id
			where l.id = ${leadId}::uuid`.execute(db)
	).rows[0];
	return f ? contextOf(f, links) : null;
}

function contextOf(f: LeadFacts, links: { unsubscribe: string; preferences: string }): TemplateContext {
	const t = f.traits;
	const first = text(t.firstName) ?? text(t.first_name);
	const last = text(t.lastName) ?? text(t.last_name);
	return {
		lead: {
			id: f.id,
			email: f.email,
			first_name: first,
			last_name: last,
			name: text(t.name) ?? ([first, last].filter(Boolean).join(" ") || null),
			company: text(t.company) ?? f.account_name,
			title: text(t.title),
			country: text(t.country),
			stage: f.stage,
			grade: f.grade,
			fit: f.fit,
			engagement: f.engagement,
			traits: t,
		},
		owner: f.owner_name || f.owner_email ? { name: f.owner_name, email: f.owner_email } : null,
		account:
			f.account_name || f.account_domain
				? {
						name: f.account_name,
						domain: f.account_domain,
						fit: f.account_fit,
						engagement: f.account_engagement,
						traits: f.account_traits ?? {},
					}
				: null,
		unsubscribe_url: links.unsubscribe,
		preferences_url: links.preferences,
	};
}

/** A made-up lead for previews when none is chosen, with every field filled. */
export function sampleTemplateContext(links: { unsubscribe: string; preferences: string }): TemplateContext {
	return contextOf(
		{
			id: "00000000-0000-4000-8000-000000000000",
			email: "ada@example.com",
			traits: { firstName: "Ada", lastName: "Lovelace", company: "Analytical Engines", title: "Head of Operations" },
			stage: "lead",
			grade: "B",
			fit: 40,
			engagement: 25,
			owner_name: "Sam Seller",
			owner_email: "sam@example.com",
			account_name: "Analytical Engines",
			account_domain: "engines.example",
			account_fit: 30,
			account_engagement: 45,
			account_traits: { industry: "Software" },
		},
		links,
	);
}
