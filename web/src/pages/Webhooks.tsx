import { type FormEvent, useCallback, useEffect, useState } from "react";
import { ApiError, api } from "../api";

interface Endpoint {
	id: string;
	url: string;
	events: string[];
	format: string;
	enabled: boolean;
	disabledReason: string | null;
}
interface Attempt {
	messageId: string;
	type: string;
	attempt: number;
	at: string;
	status: number | null;
	latencyMs: number | null;
	succeeded: boolean;
	error: string | null;
}

const EVENTS = [
	"lead.mql",
	"lead.sql",
	"lead.recycled",
	"lead.disqualified",
	"lead.score_changed",
	"handoff.assigned",
	"handoff.sla_breached",
];

function Log({ endpoint }: { endpoint: Endpoint }) {
	const [attempts, setAttempts] = useState<Attempt[] | null>(null);
	const load = useCallback(
		() =>
			api<{ data: Attempt[] }>("GET", `/v1/webhooks/${endpoint.id}/attempts?limit=50`).then((r) => setAttempts(r.data)),
		[endpoint.id],
	);
	useEffect(() => {
		load();
	}, [load]);
	if (!attempts) return null;
	if (attempts.length === 0) return <p className="sub">No deliveries yet.</p>;
	return (
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
								className="quiet"
								onClick={() => api("POST", `/v1/webhooks/${endpoint.id}/messages/${a.messageId}/replay`).then(load)}
							>
								Replay
							</button>
						</td>
					</tr>
				))}
			</tbody>
		</table>
	);
}

/** Webhook endpoints: subscribe one (its secret shown once), see each one's deliveries, replay. */
export function Webhooks() {
	const [endpoints, setEndpoints] = useState<Endpoint[]>([]);
	const [url, setUrl] = useState("");
	const [events, setEvents] = useState<string[]>(["lead.mql"]);
	const [secret, setSecret] = useState<string | null>(null);
	const [error, setError] = useState<string | null>(null);
	const load = useCallback(
		() => api<{ data: Endpoint[] }>("GET", "/v1/webhooks").then((r) => setEndpoints(r.data)),
		[],
	);
	useEffect(() => {
		load().catch((e: Error) => setError(e.message));
	}, [load]);
	async function create(event: FormEvent) {
		event.preventDefault();
		setError(null);
		try {
			const created = await api<Endpoint & { secret: string }>("POST", "/v1/webhooks", { url, events });
			setSecret(created.secret);
			setUrl("");
			await load();
		} catch (e) {
			setError(
				e instanceof ApiError
					? `${e.message} ${e.problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`
					: "failed",
			);
		}
	}
	return (
		<section aria-labelledby="webhooks-title">
			<h2 id="webhooks-title">Webhooks</h2>
			<form className="filters" aria-label="New endpoint" onSubmit={create}>
				<label>
					URL <input type="url" required value={url} onChange={(e) => setUrl(e.target.value)} size={40} />
				</label>
				<fieldset>
					<legend>Events</legend>
					{EVENTS.map((name) => (
						<label key={name}>
							<input
								type="checkbox"
								checked={events.includes(name)}
								onChange={(e) => setEvents(e.target.checked ? [...events, name] : events.filter((x) => x !== name))}
							/>{" "}
							{name}
						</label>
					))}
				</fieldset>
				<button type="submit">Subscribe</button>
			</form>
			{error && (
				<p role="alert" className="error">
					{error}
				</p>
			)}
			{secret && (
				<output className="status">
					Signing secret (shown this once): <code>{secret}</code>
				</output>
			)}
			{endpoints.map((e) => (
				<article key={e.id} className="endpoint" data-endpoint={e.url}>
					<h3>{e.url}</h3>
					<p className="sub">
						{e.events.join(", ")} · {e.format} · {e.enabled ? "enabled" : `disabled: ${e.disabledReason ?? ""}`}
					</p>
					<Log endpoint={e} />
				</article>
			))}
		</section>
	);
}
