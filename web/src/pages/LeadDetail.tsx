import { useEffect, useState } from "react";
import { api } from "../api";
import { ProfileEdit } from "./ProfileEdit";
import { StageMove } from "./StageMove";

interface Lead {
	id: string;
	email: string | null;
	traits: Record<string, unknown>;
	timezone: string | null;
	stage: string;
	consent: { status: string; at: string | null; source: string | null };
	source: string | null;
	firstSeenAt: string;
	owner: { name: string; email: string; team: string | null; handoffStatus: string; assignedAt: string } | null;
}

interface Rule {
	id: string;
	kind: string;
	reason: string;
	points: number;
	pointsNow: number;
	eventCount: number;
	events: Array<{ messageId: string; at: string; event: string | null; points: number; pointsNow: number }>;
}

interface Score {
	modelVersion: number;
	fit: number;
	engagement: number;
	grade: string;
	temperature: string;
	qualification: { qualified: boolean; reason: string; disqualifiedBy: Array<{ id: string; reason: string }> };
	fitRules: Rule[];
	engagementRules: Rule[];
}

interface Event {
	messageId: string;
	type: string;
	event: string | null;
	name: string | null;
	pagePath: string | null;
	deviceClass: string | null;
	properties: Record<string, unknown>;
	timestamp: string;
}

interface StageChange {
	from: string;
	to: string;
	at: string;
	actor: string;
	reason: string | null;
	rejection: string | null;
}

const PROFILE: Array<[string, string]> = [
	["title", "Title"],
	["seniority", "Seniority"],
	["company", "Company"],
	["industry", "Industry"],
	["companySize", "Company size"],
	["country", "Country"],
	["city", "City"],
	["phone", "Phone"],
];
/** A few of an event's properties, as plain text. */
const details = (properties: Record<string, unknown>) =>
	Object.entries(properties)
		.slice(0, 3)
		.map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`.slice(0, 120))
		.join(" · ");

const round = (n: number) => Math.round(n * 10) / 10;
const text = (v: unknown) => (typeof v === "string" ? v : "");

function when(at: string, timeZone?: string | null): string {
	try {
		return new Date(at).toLocaleString(undefined, {
			dateStyle: "medium",
			timeStyle: "short",
			...(timeZone ? { timeZone } : {}),
		});
	} catch {
		return new Date(at).toLocaleString();
	}
}

function Rules({ title, rules }: { title: string; rules: Rule[] }) {
	return (
		<section>
			<h2>{title}</h2>
			{rules.length === 0 ? (
				<p className="empty">No rule applies.</p>
			) : (
				<ul className="rules">
					{rules.map((r) => (
						<li key={r.id} data-rule={r.id}>
							<span className={r.pointsNow < 0 ? "points minus" : "points"}>
								{r.pointsNow > 0 ? "+" : ""}
								{round(r.pointsNow)}
							</span>{" "}
							<strong>{r.id}</strong> — {r.reason}
							{r.eventCount > 0 && (
								<span className="sub">
									{" "}
									({r.eventCount} event{r.eventCount === 1 ? "" : "s"}; {r.points} each when they happened)
								</span>
							)}
						</li>
					))}
				</ul>
			)}
		</section>
	);
}

/** One lead: profile, consent, score with the rule-by-rule explanation, timeline and stage history. */
export function LeadDetail({ id }: { id: string }) {
	const [lead, setLead] = useState<Lead | null>(null);
	const [score, setScore] = useState<Score | null>(null);
	const [events, setEvents] = useState<Event[]>([]);
	const [stages, setStages] = useState<StageChange[]>([]);
	const [error, setError] = useState<string | null>(null);
	const [version, setVersion] = useState(0);
	useEffect(() => {
		void version; // a move reloads the page's data
		Promise.all([
			api<Lead>("GET", `/v1/leads/${id}`),
			api<Score>("GET", `/v1/leads/${id}/score`),
			api<{ data: Event[] }>("GET", `/v1/leads/${id}/events?limit=100`),
			api<{ data: StageChange[] }>("GET", `/v1/leads/${id}/stages`),
		]).then(
			([l, s, e, st]) => {
				setLead(l);
				setScore(s);
				setEvents(e.data);
				setStages(st.data);
			},
			(e: Error) => setError(e.message),
		);
	}, [id, version]);
	if (error) return <p role="alert">{error}</p>;
	if (!lead || !score) return <p className="loading">Loading…</p>;
	const t = lead.traits;
	const name = [text(t.firstName), text(t.lastName)].filter(Boolean).join(" ") || lead.email || lead.id;
	return (
		<article className="lead">
			<h1>{name}</h1>
			<p className="sub">
				{[text(t.title), text(t.company), lead.email].filter(Boolean).join(" · ")} — stage <strong>{lead.stage}</strong>
				{lead.timezone ? `, local zone ${lead.timezone}` : ""}
			</p>
			<dl className="profile">
				{PROFILE.filter(([key]) => t[key] !== undefined && t[key] !== null).map(([key, label]) => (
					<div key={key}>
						<dt>{label}</dt>
						<dd>{String(t[key])}</dd>
					</div>
				))}
				<div>
					<dt>Owner</dt>
					<dd>
						{lead.owner
							? `${lead.owner.name}${lead.owner.team ? ` (${lead.owner.team})` : ""}, handoff ${lead.owner.handoffStatus}`
							: "nobody yet"}
					</dd>
				</div>
				<div>
					<dt>Consent</dt>
					<dd>
						{lead.consent.status}
						{lead.consent.at ? ` since ${when(lead.consent.at)}` : ""}
						{lead.consent.source ? ` (${lead.consent.source})` : ""}
					</dd>
				</div>
				<div>
					<dt>Source</dt>
					<dd>{lead.source ?? "(direct)"}</dd>
				</div>
				<div>
					<dt>First seen</dt>
					<dd>{when(lead.firstSeenAt)}</dd>
				</div>
			</dl>
			<ProfileEdit
				key={`profile-${version}`}
				id={lead.id}
				traits={t}
				consent={lead.consent.status}
				onSaved={() => setVersion((v) => v + 1)}
			/>
			<section className="scorecard" aria-label="Score">
				<div>
					<span className="big">{score.grade}</span> fit {round(score.fit)}
				</div>
				<div>
					<span className="big">{score.temperature}</span> engagement {round(score.engagement)}
				</div>
				<div className={score.qualification.qualified ? "qualified" : ""}>
					{score.qualification.qualified ? "Qualifies" : "Does not qualify"}: {score.qualification.reason}
				</div>
				<div className="sub">model version {score.modelVersion}</div>
			</section>
			<Rules title="Fit" rules={score.fitRules} />
			<Rules title="Engagement" rules={score.engagementRules} />
			<section>
				<h2>Timeline</h2>
				<table className="timeline">
					<thead>
						<tr>
							<th scope="col">Your time</th>
							<th scope="col">Their time</th>
							<th scope="col">What</th>
							<th scope="col">Details</th>
							<th scope="col">Device</th>
						</tr>
					</thead>
					<tbody>
						{events.map((e) => (
							<tr key={e.messageId}>
								<td>{when(e.timestamp)}</td>
								<td>{lead.timezone ? when(e.timestamp, lead.timezone) : "—"}</td>
								<td>{e.event ?? e.pagePath ?? e.name ?? e.type}</td>
								<td className="sub">{details(e.properties)}</td>
								<td>{e.deviceClass ?? "—"}</td>
							</tr>
						))}
					</tbody>
				</table>
			</section>
			<section>
				<h2>Stage history</h2>
				<StageMove key={`${lead.stage}-${version}`} id={lead.id} onMoved={() => setVersion((v) => v + 1)} />
				<ul>
					{stages.map((s) => (
						<li key={`${s.at}-${s.to}`}>
							{when(s.at)}: {s.from} → {s.to} by {s.actor}
							{s.rejection ? ` (${s.rejection})` : ""}
							{s.reason ? ` — ${s.reason}` : ""}
						</li>
					))}
				</ul>
			</section>
		</article>
	);
}
