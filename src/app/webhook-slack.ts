import { isWebhookEventType, type WebhookEventType } from "../schemas/webhooks.js";

function objectAt(value: unknown): Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value)
		? Object.fromEntries(Object.entries(value))
		: {};
}

/** Slack's own escaping for text it formats: lead-supplied values must not become links or mentions. */
export function slackEscape(text: string): string {
	return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

const TITLES: Record<WebhookEventType, string> = {
	"lead.mql": "New MQL",
	"lead.sql": "Accepted by sales (SQL)",
	"lead.recycled": "Recycled to nurture",
	"lead.disqualified": "Disqualified",
	"lead.score_changed": "Score changed",
	"handoff.assigned": "MQL assigned",
	"handoff.sla_breached": "First-touch SLA breached",
	"segment.entered": "Entered a segment",
	"segment.exited": "Left a segment",
	"account.qualified": "Account qualified (MQA)",
};

/** A Slack-compatible message (incoming-webhook JSON) for an event. */
export function slackMessageOf(payload: { type: string; data: Record<string, unknown> }): {
	text: string;
	blocks: unknown[];
} {
	const lead = objectAt(payload.data.lead);
	const account = objectAt(payload.data.account);
	const who = slackEscape(String(lead.email ?? lead.id ?? account.name ?? "a lead"));
	const why = typeof payload.data.reason === "string" ? slackEscape(payload.data.reason) : null;
	const title = isWebhookEventType(payload.type) ? TITLES[payload.type] : slackEscape(payload.type);
	const text = `${title}: ${who}${why ? ` — ${why}` : ""}`;
	return {
		text,
		blocks: [{ type: "section", text: { type: "mrkdwn", text: `*${title}*\n${who}${why ? `\n${why}` : ""}` } }],
	};
}
