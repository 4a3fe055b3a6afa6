import { createHmac, randomBytes, randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import { type AdLead, facebookLeads, linkedinLeads, traitsOfAdLead } from "../../domain/capture/ad-leads.js";
import { AppError, errorCode } from "../../domain/errors.js";
import { sameSecret } from "../../email/signed-links.js";
import type { AdSource, AdSourceInput } from "../../schemas/ad-sources.js";
import type { Db } from "../../storage/database.js";
import type { AdSourcesTable } from "../../storage/tables.js";
import { ingestBatch } from "../ingest-batch.js";

function sourceOf(row: Selectable<AdSourcesTable>, publicUrl: string): AdSource {
	return {
		id: row.id,
		name: row.name,
		platform: row.platform,
		mapping: row.mapping,
		webhookUrl: `${publicUrl.replace(/\/+$/, "")}/hooks/ads/${row.id}`,
		secret: row.secret,
	};
}

export async function createAdSource(db: Db, input: AdSourceInput, publicUrl: string): Promise<AdSource> {
	try {
		const row = await db
			.insertInto("ad_sources")
			.values({
				id: randomUUID(),
				name: input.name.trim(),
				platform: input.platform,
				secret: randomBytes(32).toString("base64url"),
				mapping: JSON.stringify(input.mapping ?? {}),
			})
			.returningAll()
			.executeTakeFirstOrThrow();
		return sourceOf(row, publicUrl);
	} catch (error) {
		if (errorCode(error) === "23505")
			throw new AppError("conflict", `An ad source named "${input.name}" exists already.`, [
				{ field: "name", message: "taken" },
			]);
		throw error;
	}
}

export async function listAdSources(db: Db, publicUrl: string): Promise<AdSource[]> {
	return (await db.selectFrom("ad_sources").selectAll().orderBy("name").execute()).map((r) => sourceOf(r, publicUrl));
}

/** Facebook's `X-Hub-Signature-256: sha256=<hex>` or LinkedIn's `X-LI-Signature: <hex>`, HMAC-SHA256 of the body. */
function signedBy(secret: string, body: string, given: string | undefined): boolean {
	const hex = (given ?? "").replace(/^sha256=/, "");
	if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
	return sameSecret(hex.toLowerCase(), createHmac("sha256", secret).update(body).digest("hex"));
}

/** Facebook's subscription check: the challenge back when the verify token is the source's secret. */
export async function verifySubscription(db: Db, id: string, token: string | undefined): Promise<boolean> {
	const row = await db.selectFrom("ad_sources").select("secret").where("id", "=", id).executeTakeFirst();
	return !!row && !!token && sameSecret(token, row.secret);
}

function messagesOf(lead: AdLead, source: { name: string; mapping: Record<string, string> }, now: Date) {
	const key = `${lead.platform}-lead:${lead.leadId}`;
	const campaign = {
		source: lead.platform,
		medium: "paid_social",
		...(lead.ad.campaignName || lead.ad.campaignId ? { name: lead.ad.campaignName ?? lead.ad.campaignId } : {}),
		...(lead.ad.adName || lead.ad.adId ? { content: lead.ad.adName ?? lead.ad.adId } : {}),
	};
	const shared = {
		anonymousId: key,
		timestamp: (lead.createdAt ?? now).toISOString(),
		context: { campaign },
	};
	return [
		{ ...shared, type: "identify", messageId: `${key}:identify`, traits: traitsOfAdLead(lead, source.mapping) },
		{
			...shared,
			type: "track",
			messageId: key,
			event: "ad_lead_submitted",
			properties: {
				platform: lead.platform,
				platform_lead_id: lead.leadId,
				ad_source: source.name,
				...Object.fromEntries(
					Object.entries({
						ad_id: lead.ad.adId,
						ad_name: lead.ad.adName,
						campaign_id: lead.ad.campaignId,
						campaign_name: lead.ad.campaignName,
						form_id: lead.ad.formId,
					}).filter(([, v]) => v !== undefined),
				),
			},
		},
	];
}

/**
 * Leads a platform posted: the signature checked against the source's secret, each lead an
 * identify and an `ad_lead_submitted` event whose message id is the platform's lead id (posted
 * again, it is stored once), with the ad and campaign as the lead's source.
 */
export async function receiveAdLeads(
	db: Db,
	id: string,
	body: string,
	signature: { facebook?: string | undefined; linkedin?: string | undefined },
	now: Date,
): Promise<{ received: number; duplicates: number }> {
	const source = await db.selectFrom("ad_sources").selectAll().where("id", "=", id).executeTakeFirst();
	if (!source) throw new AppError("not_found", "No such ad source.");
	const given = source.platform === "facebook" ? signature.facebook : signature.linkedin;
	if (!signedBy(source.secret, body, given))
		throw new AppError(
			"unauthorized",
			source.platform === "facebook"
				? "X-Hub-Signature-256 is missing or does not match the body"
				: "X-LI-Signature is missing or does not match the body",
		);
	let parsed: unknown;
	try {
		parsed = JSON.parse(body);
	} catch {
		throw new AppError("validation_failed", "The body is not JSON.", [{ field: "", message: "not JSON" }]);
	}
	const { leads, problems } = source.platform === "facebook" ? facebookLeads(parsed) : linkedinLeads(parsed);
	if (problems.length > 0)
		throw new AppError(
			"validation_failed",
			"Some leads are not in a shape Qualify reads.",
			problems.map((message) => ({ field: "", message })),
		);
	const result = await ingestBatch(
		db,
		leads.flatMap((l) => messagesOf(l, source, now)),
		{ receivedAt: now },
	);
	if (result.errors.length > 0)
		throw new AppError("validation_failed", "Some leads could not be stored.", result.errors);
	return { received: leads.length, duplicates: Math.round(result.duplicates / 2) };
}
