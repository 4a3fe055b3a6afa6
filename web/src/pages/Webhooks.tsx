import { useCallback, useEffect, useState } from "react";
import type {
	WebhookAttempt,
	WebhookEndpoint,
	WebhookEndpointCreate,
	WebhookEventType,
} from "../../../src/schemas/webhooks";
import { request } from "../api";
import { ErrorNote, OutcomeNote, SettingsForm, useList, useOutcome } from "../forms";
import { entriesOf, WEBHOOK_EVENT_WORDS } from "../words";

type Settings = Required<Pick<WebhookEndpointCreate, "url" | "description" | "events" | "format" | "minScoreChange">>;

/** The fields of an endpoint, for subscribing one and for editing it. */
function EndpointFields({ value, onChange }: { value: Settings; onChange: (next: Settings) => void }) {
	const set = <K extends keyof Settings>(key: K, v: Settings[K]) => onChange({ ...value, [key]: v });
	return (
		<>
			<label>
				URL <input type="url" required value={value.url} onChange={(e) => set("url", e.target.value)} size={40} />
			</label>
			<label>
				Description <input value={value.description} onChange={(e) => set("description", e.target.value)} />
			</label>
			<label>
				Format{" "}
				<select value={value.format} onChange={(e) => set("format", e.target.value as Settings["format"])}>
					<option value="standard">signed JSON (Standard Webhooks)</option>
					<option value="slack">Slack message (an incoming-webhook URL)</option>
				</select>
			</label>
			<fieldset className="wide">
				<legend>Send when</legend>
				{entriesOf(WEBHOOK_EVENT_WORDS).map(([name, words]) => (
					<label key={name}>
						<input
							type="checkbox"
							checked={value.events.includes(name)}
							onChange={(e) =>
								set("events", e.target.checked ? [...value.events, name] : value.events.filter((x) => x !== name))
							}
						/>{" "}
						{words} <code className="sub">{name}</code>
					</label>
				))}
			</fieldset>
			{value.events.includes("lead.score_changed") && (
				<label>
					Only when engagement moves at least{" "}
					<input
						type="number"
						min={0}
						value={value.minScoreChange}
						onChange={(e) => set("minScoreChange", Number(e.target.value))}
					/>{" "}
					points
				</label>
			)}
		</>
	);
}

function Log({ endpoint, version }: { endpoint: WebhookEndpoint; version: number }) {
	const [attempts, setAttempts] = useState<WebhookAttempt[] | null>(null);
	const { outcome, run } = useOutcome();
	const load = useCallback(
		() =>
			request("GET /v1/webhooks/:id/attempts", { params: { id: endpoint.id }, query: { limit: 50 } }).then((r) =>
				setAttempts(r.data),
			),
		[endpoint.id],
	);
	useEffect(() => {
		void version;
		load().catch(() => setAttempts([]));
	}, [load, version]);
	if (!attempts) return null;
	if (attempts.length === 0) return <p className="sub">No deliveries yet.</p>;
	return (
		<div className="scroll">
			<OutcomeNote outcome={outcome} />
			<table className="timeline">
				<thead>
					<tr>
						<th scope="col">When</th>
						<th scope="col">Event</th>
						<th scope="col">Attempt</th>
						<th scope="col">Result</th>
						<th scope="col">Latency</th>
						<th scope="col" />
					</tr>
				</thead>
				<tbody>
					{attempts.map((a) => (
						<tr key={`${a.messageId}-${a.attempt}-${a.at}`}>
							<td>{new Date(a.at).toLocaleString()}</td>
							<td>{a.type}</td>
							<td>{a.attempt}</td>
							<td className={a.succeeded ? "" : "late"}>
								{a.succeeded ? `HTTP ${a.status}` : (a.error ?? `HTTP ${a.status}`)}
							</td>
							<td>{a.latencyMs === null ? "—" : `${a.latencyMs} ms`}</td>
							<td>
								<button
									type="button"
									className="quiet small"
									onClick={() =>
										run(
											() =>
												request("POST /v1/webhooks/:id/messages/:messageId/replay", {
													params: { id: endpoint.id, messageId: a.messageId },
												}).then(load),
											"Queued to send again, with the same webhook-id.",
										)
									}
								>
									Replay
								</button>
							</td>
						</tr>
					))}
				</tbody>
			</table>
		</div>
	);
}

const settingsOf = (e: WebhookEndpoint): Settings => ({
	url: e.url,
	description: e.description,
	events: e.events,
	format: e.format,
	minScoreChange: e.minScoreChange,
});

function Endpoint({ endpoint, onChange }: { endpoint: WebhookEndpoint; onChange: () => Promise<void> }) {
	const [editing, setEditing] = useState(false);
	const [draft, setDraft] = useState(settingsOf(endpoint));
	const [version, setVersion] = useState(0);
	const { outcome, run } = useOutcome();
	const id = endpoint.id;
	async function test() {
		await run(async () => {
			const result = await request("POST /v1/webhooks/:id/test", { params: { id } });
			setVersion((v) => v + 1);
			if (result.failure) throw new Error(`The test failed: ${result.failure}.`);
		}, "Test message sent: the endpoint answered 2xx.");
	}
	return (
		<article className="endpoint card" data-endpoint={endpoint.url}>
			<h3>{endpoint.description || endpoint.url}</h3>
			<p className="sub">
				{endpoint.url} · {endpoint.format === "slack" ? "Slack message" : "signed JSON"} ·{" "}
				{endpoint.enabled ? "on" : `paused${endpoint.disabledReason ? `: ${endpoint.disabledReason}` : ""}`}
			</p>
			<p className="sub">
				Sends when {endpoint.events.map((e: WebhookEventType) => WEBHOOK_EVENT_WORDS[e]).join("; ")}.
			</p>
			<div className="actions">
				<button type="button" className="quiet small" onClick={test}>
					Send a test
				</button>
				<button type="button" className="quiet small" onClick={() => setEditing(!editing)}>
					{editing ? "Cancel" : "Edit"}
				</button>
				<button
					type="button"
					className="quiet small"
					onClick={async () => {
						await run(
							() => request("PATCH /v1/webhooks/:id", { params: { id }, body: { enabled: !endpoint.enabled } }),
							endpoint.enabled ? "Paused: nothing is sent until you resume it." : "Resumed.",
						);
						await onChange();
					}}
				>
					{endpoint.enabled ? "Pause" : "Resume"}
				</button>
				<button
					type="button"
					className="quiet small"
					onClick={async () => {
						if (!window.confirm(`Delete the endpoint ${endpoint.url}? Its delivery log goes with it.`)) return;
						await run(() => request("DELETE /v1/webhooks/:id", { params: { id } }), "Deleted.");
						await onChange();
					}}
				>
					Delete
				</button>
			</div>
			<OutcomeNote outcome={outcome} />
			{editing && (
				<SettingsForm
					label={`Edit ${endpoint.url}`}
					submit="Save endpoint"
					done="Endpoint saved."
					onSubmit={async () => {
						await request("PATCH /v1/webhooks/:id", { params: { id }, body: draft });
						setEditing(false);
						await onChange();
					}}
				>
					<EndpointFields value={draft} onChange={setDraft} />
				</SettingsForm>
			)}
			<Log endpoint={endpoint} version={version} />
		</article>
	);
}

const EMPTY: Settings = { url: "", description: "", events: ["lead.mql"], format: "standard", minScoreChange: 0 };

/** Webhook endpoints: subscribe (the secret shown once), test, edit, pause, delete; each one's deliveries. */
export function Webhooks() {
	const endpoints = useList("GET /v1/webhooks");
	const [draft, setDraft] = useState<Settings>(EMPTY);
	const [secret, setSecret] = useState<string | null>(null);
	return (
		<section aria-labelledby="webhooks-title">
			<h2 id="webhooks-title">Webhooks</h2>
			<p className="hint">
				Addresses on private, loopback or link-local networks are refused when saved (QUALIFY_WEBHOOK_ALLOW lets an
				operator allow some). Failed deliveries are retried for about three days.
			</p>
			<ErrorNote text={endpoints.error} />
			<SettingsForm
				label="New endpoint"
				submit="Subscribe"
				done="Subscribed. Copy the signing secret now: it is shown this once."
				onSubmit={async () => {
					const created = await request("POST /v1/webhooks", { body: draft });
					setSecret(created.secret);
					setDraft(EMPTY);
					await endpoints.reload();
				}}
			>
				<EndpointFields value={draft} onChange={setDraft} />
			</SettingsForm>
			{secret && (
				<p className="secret">
					Signing secret: <code>{secret}</code>
				</p>
			)}
			{endpoints.rows.map((e) => (
				<Endpoint key={`${e.id}-${e.enabled}-${e.url}`} endpoint={e} onChange={endpoints.reload} />
			))}
		</section>
	);
}
