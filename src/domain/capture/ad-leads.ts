import { isObject } from "../traits.js";

/** One lead from a lead-ad platform, in the shape Qualify ingests. */
export interface AdLead {
	platform: "facebook" | "linkedin";
	/** the platform's own id of the lead: a lead posted twice is stored once */
	leadId: string;
	createdAt: Date | null;
	/** answers by the platform's field name or question id */
	fields: Record<string, string>;
	ad: { adId?: string; adName?: string; campaignId?: string; campaignName?: string; formId?: string };
}

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : undefined);

function dateOf(v: unknown): Date | null {
	if (typeof v === "number") return new Date(v < 1e12 ? v * 1000 : v);
	if (typeof v === "string" && v) {
		const d = new Date(v.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
		return Number.isNaN(d.getTime()) ? null : d;
	}
	return null;
}

/**
 * Facebook Lead Ads leads as the Graph API gives them (`field_data` of `{name, values}`), one
 * object or a list under `data`; a webhook notice without `field_data` is named as such.
 */
export function facebookLeads(body: unknown): { leads: AdLead[]; problems: string[] } {
	const list = isObject(body) && Array.isArray(body.data) ? body.data : [body];
	const leads: AdLead[] = [];
	const problems: string[] = [];
	list.forEach((item, i) => {
		if (!isObject(item) || !Array.isArray(item.field_data) || !str(item.id)) {
			problems.push(
				isObject(item) && Array.isArray(item.entry)
					? "a leadgen notice without field_data: post the lead objects themselves (id and field_data)"
					: `data[${i}]: a lead needs id and field_data`,
			);
			return;
		}
		const fields: Record<string, string> = {};
		for (const f of item.field_data) {
			if (!isObject(f) || !str(f.name)) continue;
			const values = Array.isArray(f.values) ? f.values.map(str).filter(Boolean) : [];
			if (values.length > 0) fields[str(f.name) as string] = values.join(", ");
		}
		leads.push({
			platform: "facebook",
			leadId: str(item.id) as string,
			createdAt: dateOf(item.created_time),
			fields,
			ad: {
				adId: str(item.ad_id),
				adName: str(item.ad_name),
				campaignId: str(item.campaign_id),
				campaignName: str(item.campaign_name),
				formId: str(item.form_id),
			},
		});
	});
	return { leads, problems };
}

function linkedinAnswer(details: unknown): string | undefined {
	if (!isObject(details)) return undefined;
	if (isObject(details.textQuestionAnswer)) return str(details.textQuestionAnswer.answer);
	if (isObject(details.multipleChoiceAnswer) && Array.isArray(details.multipleChoiceAnswer.options))
		return details.multipleChoiceAnswer.options.map(str).filter(Boolean).join(", ") || undefined;
	return undefined;
}

/** LinkedIn Lead Gen form responses (`formResponse.answers` by `questionId`), one or a list under `elements`. */
export function linkedinLeads(body: unknown): { leads: AdLead[]; problems: string[] } {
	const list = isObject(body) && Array.isArray(body.elements) ? body.elements : [body];
	const leads: AdLead[] = [];
	const problems: string[] = [];
	list.forEach((item, i) => {
		const response = isObject(item) && isObject(item.formResponse) ? item.formResponse : null;
		if (!isObject(item) || !response || !Array.isArray(response.answers) || !str(item.id)) {
			problems.push(`elements[${i}]: a lead needs id and formResponse.answers`);
			return;
		}
		const fields: Record<string, string> = {};
		for (const a of response.answers) {
			if (!isObject(a)) continue;
			const key = str(a.name) ?? str(a.questionId);
			const answer = linkedinAnswer(a.answerDetails);
			if (key && answer) fields[key] = answer;
		}
		const sponsored =
			isObject(item.leadMetadata) && isObject(item.leadMetadata.sponsoredLeadMetadata)
				? item.leadMetadata.sponsoredLeadMetadata
				: {};
		const form = str(item.versionedLeadGenFormUrn) ?? str(item.form);
		leads.push({
			platform: "linkedin",
			leadId: str(item.id) as string,
			createdAt: dateOf(item.submittedAt),
			fields,
			ad: {
				campaignId: str(sponsored.campaign)?.replace(/^urn:li:sponsoredCampaign:/, ""),
				campaignName: str(sponsored.campaignName),
				adId: str(sponsored.creative)?.replace(/^urn:li:sponsoredCreative:/, ""),
				formId: form?.match(/leadGenForm:(\d+)/)?.[1] ?? form,
			},
		});
	});
	return { leads, problems };
}

/** The traits a lead's answers fill: mapped names first, then the common ones by their usual names. */
export function traitsOfAdLead(lead: AdLead, mapping: Readonly<Record<string, string>>): Record<string, string> {
	const usual: Record<string, string> = {
		email: "email",
		first_name: "firstName",
		last_name: "lastName",
		full_name: "name",
		phone_number: "phone",
		company_name: "company",
		job_title: "title",
		country: "country",
		city: "city",
	};
	const traits: Record<string, string> = {};
	for (const [key, value] of Object.entries(lead.fields)) {
		const trait = mapping[key] ?? usual[key.toLowerCase()];
		if (trait) traits[trait] = value;
	}
	return traits;
}
