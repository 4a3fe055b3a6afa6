import { createHmac } from "node:crypto";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { appHarness } from "./support/app-harness.js";
import { backends } from "./support/backends.js";

const sign = (secret: string, body: string) => createHmac("sha256", secret).update(body).digest("hex");

/** A lead as the Graph API gives it, the mess included: a custom question, a value list, an offset without a colon. */
const FACEBOOK_LEAD = {
	id: "fb-9001",
	created_time: "2026-11-19T08:30:00+0000",
	ad_id: "2385",
	ad_name: "Pricing guide – carousel",
	campaign_id: "2384",
	campaign_name: "Q4 retargeting",
	form_id: "771",
	field_data: [
		{ name: "email", values: ["Lena@Example.de"] },
		{ name: "full_name", values: ["Lena Vogel"] },
		{ name: "job_title", values: ["Head of Sales"] },
		{ name: "how_many_reps?", values: ["11-50"] },
	],
};

const LINKEDIN_LEAD = {
	id: "li-77",
	submittedAt: 1763541000000,
	versionedLeadGenFormUrn: "urn:li:versionedLeadGenForm:(urn:li:leadGenForm:5521,3)",
	leadMetadata: { sponsoredLeadMetadata: { campaign: "urn:li:sponsoredCampaign:998" } },
	formResponse: {
		answers: [
			{ questionId: 1, answerDetails: { textQuestionAnswer: { answer: "raj@corp.example" } } },
			{ questionId: 2, answerDetails: { textQuestionAnswer: { answer: "Raj" } } },
			{ questionId: 3, answerDetails: { multipleChoiceAnswer: { options: ["Retail"] } } },
		],
	},
};

describe.each(backends())("lead-ad platforms on $name", (backend) => {
	const h = appHarness(backend, { publicUrl: "https://q.example" });
	const { call } = h;
	const post = (id: string, body: string, headers: Record<string, string>) =>
		h.app.request(`/hooks/ads/${id}`, {
			method: "POST",
			headers: { "content-type": "application/json", ...headers },
			body,
		});

	it("stores a Facebook lead once however often it is posted, mapped, with its ad and campaign as the source", async () => {
		const source = (
			await call("POST", "/v1/ad-sources", {
				name: "Facebook",
				platform: "facebook",
				mapping: { "how_many_reps?": "salesTeamSize" },
			})
		).body;
		expect(source.webhookUrl).toBe(`https://q.example/hooks/ads/${source.id}`);
		const body = JSON.stringify({ data: [FACEBOOK_LEAD] });
		expect((await post(source.id, body, { "x-hub-signature-256": `sha256=${sign("wrong", body)}` })).status).toBe(401);
		const first = await post(source.id, body, { "x-hub-signature-256": `sha256=${sign(source.secret, body)}` });
		expect(first.status).toBe(200);
		expect(await first.json()).toEqual({ received: 1, duplicates: 0 });
		const again = await post(source.id, body, { "x-hub-signature-256": `sha256=${sign(source.secret, body)}` });
		expect(await again.json()).toEqual({ received: 1, duplicates: 1 });
		const leads = await h.db.selectFrom("leads").selectAll().where("merged_into", "is", null).execute();
		expect(leads).toHaveLength(1);
		expect(leads[0]).toMatchObject({ email: "lena@example.de", source: "facebook" });
		expect(leads[0]?.traits).toMatchObject({
			firstName: "Lena",
			lastName: "Vogel",
			title: "Head of Sales",
			salesTeamSize: "11-50",
		});
		const events = await sql<{ properties: Record<string, unknown>; timestamp: Date }>`select properties, timestamp
			from events where event = 'ad_lead_submitted'`.execute(h.db);
		expect(events.rows).toHaveLength(1);
		expect(events.rows[0]?.properties).toMatchObject({
			ad_name: "Pricing guide – carousel",
			campaign_name: "Q4 retargeting",
			form_id: "771",
		});
		expect(new Date(events.rows[0]?.timestamp as Date).toISOString()).toBe("2026-11-19T08:30:00.000Z");
		// Facebook's subscription check answers only the right verify token
		const check = (token: string) =>
			h.app.request(`/hooks/ads/${source.id}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=42`);
		expect(await (await check(source.secret)).text()).toBe("42");
		expect((await check("guess")).status).toBe(403);
	});

	it("reads LinkedIn form responses by question id, and names what it cannot read", async () => {
		const source = (
			await call("POST", "/v1/ad-sources", {
				name: "LinkedIn",
				platform: "linkedin",
				mapping: { "1": "email", "2": "firstName", "3": "industry" },
			})
		).body;
		const body = JSON.stringify({ elements: [LINKEDIN_LEAD] });
		const stored = await post(source.id, body, { "x-li-signature": sign(source.secret, body) });
		expect(stored.status).toBe(200);
		const [lead] = await h.db.selectFrom("leads").selectAll().execute();
		expect(lead).toMatchObject({ email: "raj@corp.example", source: "linkedin" });
		expect(lead?.traits).toMatchObject({ firstName: "Raj", industry: "Retail" });
		const event = await sql<{ properties: Record<string, unknown> }>`select properties from events
			where event = 'ad_lead_submitted'`.execute(h.db);
		expect(event.rows[0]?.properties).toMatchObject({ campaign_id: "998", form_id: "5521", platform_lead_id: "li-77" });
		const bad = JSON.stringify({ elements: [{ id: "x" }] });
		const refused = await post(source.id, bad, { "x-li-signature": sign(source.secret, bad) });
		expect(refused.status).toBe(400);
		expect((await refused.json()).error.problems[0].message).toBe(
			"elements[0]: a lead needs id and formResponse.answers",
		);
		expect((await post(crypto.randomUUID(), body, {})).status).toBe(404);
	});
});
