import { useEffect, useState } from "react";
import type { RejectInput, Touch, TouchInput } from "../../../src/schemas/handoff";
import type { LeadDetail as Lead, LeadEvent } from "../../../src/schemas/leads";
import type { StageChange } from "../../../src/schemas/lifecycle";
import type { LeadScore } from "../../../src/schemas/scoring-model";
import { request, type User } from "../api";
import { ErrorNote, failure, OutcomeNote, useOutcome } from "../forms";
import { Link } from "../nav";
import { OUTCOME_WORDS, REJECTION_WORDS, TOUCH_WORDS, wordFor } from "../words";
import { LeadEnrolments } from "./LeadEnrolments";
import { ProfileEdit } from "./ProfileEdit";
import { mayWorkQueue } from "./Queue";
import { RejectForm } from "./RejectForm";
import { StageMove } from "./StageMove";
import { TouchForm } from "./TouchForm";

type Rule = LeadScore["fitRules"][number];

const PROFILE: Array<[string, string]> = [
	["title", "Title"],
	["seniority", "Seniority"],
	["company", "Company"],
	["industry", "Industry"],
	["companySize", "Company size"],
	["country", "Country"],
	["city", "City"],
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

/** One line of the timeline: what the lead did, what sales did with them, and stage changes with their notes. */
interface Moment {
	key: string;
	at: string;
	what: string;
	details: string;
	device: string;
	kind: "event" | "touch" | "stage";
}

const stageBy = (s: StageChange) => s.actorName ?? (s.actor === "automation" ? "automation" : s.actor);

function momentsOf(events: LeadEvent[], touches: Touch[], stages: StageChange[]): Moment[] {
	const moments: Moment[] = [
		...events.map((e) => ({
			key: `e-${e.messageId}`,
			at: e.timestamp,
			what: e.event ?? e.pagePath ?? e.name ?? e.type,
			details: details(e.properties),
			device: e.deviceClass ?? "—",
			kind: "event" as const,
		})),
		...touches.map((t) => ({
			key: `t-${t.id}`,
			at: t.at,
			what: `${TOUCH_WORDS[t.kind]}${t.outcome ? `: ${OUTCOME_WORDS[t.outcome].toLowerCase()}` : ""}`,
			details: [t.note, t.actorName ? `by ${t.actorName}` : null].filter(Boolean).join(" — "),
			device: "—",
			kind: "touch" as const,
		})),
		...stages.map((s, i) => ({
			key: `s-${s.at}-${i}`,
			at: s.at,
			what: `Stage: ${s.from} → ${s.to}`,
			details: [s.rejection ? wordFor(REJECTION_WORDS, s.rejection) : null, s.note, s.reason, `by ${stageBy(s)}`]
				.filter(Boolean)
				.join(" — "),
			device: "—",
			kind: "stage" as const,
		})),
	];
	return moments.sort((a, b) => b.at.localeCompare(a.at));
}

/** One lead: profile, consent, score explained rule by rule, the sales actions, timeline and stage history. */
export function LeadDetail({ id, user }: { id: string; user: User }) {
	const [lead, setLead] = useState<Lead | null>(null);
	const [score, setScore] = useState<LeadScore | null>(null);
	const [events, setEvents] = useState<LeadEvent[]>([]);
	const [touches, setTouches] = useState<Touch[]>([]);
	const [stages, setStages] = useState<StageChange[]>([]);
	const [error, setError] = useState<string | null>(null);
	const [version, setVersion] = useState(0);
	const [rejecting, setRejecting] = useState(false);
	const { outcome, run } = useOutcome();
	useEffect(() => {
		void version; // an action reloads the page's data
		const params = { id };
		Promise.all([
			request("GET /v1/leads/:id", { params }),
			request("GET /v1/leads/:id/score", { params }),
			request("GET /v1/leads/:id/events", { params, query: { limit: 100 } }),
			request("GET /v1/leads/:id/touches", { params }),
			request("GET /v1/leads/:id/stages", { params }),
		]).then(
			([l, s, e, t, st]) => {
				setLead(l);
				setScore(s);
				setEvents(e.data);
				setTouches(t.data);
				setStages(st.data);
			},
			(e) => setError(failure(e)),
		);
	}, [id, version]);
	if (error) return <ErrorNote text={error} />;
	if (!lead || !score) return <p className="loading">Loading…</p>;
	const t = lead.traits;
	const name = [text(t.firstName), text(t.lastName)].filter(Boolean).join(" ") || lead.email || lead.id;
	const reload = () => setVersion((v) => v + 1);
	const openHandoff = lead.owner?.handoffStatus === "open" ? lead.owner.handoffId : null;
	// A rep works only their own leads; the API says so too.
	const mine = user.role !== "sales" || user.ownerId === null || user.ownerId === lead.ownerId;
	const canAct = mayWorkQueue(user) && mine;
	const phone = text(t.phone);
	const cooling = lead.cooldownUntil && new Date(lead.cooldownUntil).getTime() > Date.now() ? lead.cooldownUntil : null;
	const doTouch = (body: TouchInput) =>
		run(
			() => request("POST /v1/leads/:id/touches", { params: { id: lead.id }, body }).then(reload),
			`Logged: ${TOUCH_WORDS[body.kind].toLowerCase()}.`,
		);
	const accept = (handoffId: string) =>
		run(
			() => request("POST /v1/handoffs/:id/accept", { params: { id: handoffId } }).then(reload),
			"Accepted: the lead is an SQL.",
		);
	const reject = (handoffId: string, body: RejectInput) =>
		run(
			() =>
				request("POST /v1/handoffs/:id/reject", { params: { id: handoffId }, body }).then(() => {
					setRejecting(false);
					reload();
				}),
			body.outcome === "disqualified" ? "Disqualified." : "Rejected: back to nurture.",
		);
	return (
		<article className="lead">
			<h1>{name}</h1>
			<p className="sub">
				{[text(t.title), text(t.company)].filter(Boolean).join(" · ")} — stage <strong>{lead.stage}</strong>
				{lead.timezone ? `, local zone ${lead.timezone}` : ""}
			</p>
			<p className="contact">
				{lead.email &&
					(lead.consent.status === "subscribed" ? (
						<a href={`mailto:${lead.email}`}>{lead.email}</a>
					) : (
						<span>
							{lead.email} <span className="flag">{lead.consent.status}: do not e-mail</span>
						</span>
					))}
				{phone && <a href={`tel:${phone.replace(/[^\d+]/g, "")}`}>{phone}</a>}
			</p>
			{canAct && (
				<section className="sales-actions" aria-label="Sales actions">
					<TouchForm onTouch={doTouch} />
					{openHandoff && !rejecting && (
						<div className="actions">
							<button type="button" onClick={() => accept(openHandoff)}>
								Accept
							</button>
							<button type="button" className="quiet" onClick={() => setRejecting(true)}>
								Reject…
							</button>
						</div>
					)}
					{openHandoff && rejecting && (
						<RejectForm onCancel={() => setRejecting(false)} onReject={(body) => reject(openHandoff, body)} />
					)}
					<OutcomeNote outcome={outcome} />
				</section>
			)}
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
					<dt>Company</dt>
					<dd>
						{lead.account ? (
							<>
								<Link to={`/accounts/${lead.account.id}`}>{lead.account.name ?? "its company"}</Link>
								{lead.account.qualified ? " (MQA)" : ""}
							</>
						) : (
							"none known"
						)}
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
			<ProfileEdit id={lead.id} traits={t} consent={lead.consent.status} onSaved={reload} />
			<section className="scorecard" aria-label="Score">
				<div>
					<span className="big">{score.grade}</span> fit {round(score.fit)}
				</div>
				<div>
					<span className="big">{score.temperature}</span> engagement {round(score.engagement)}
				</div>
				<div className={score.qualification.qualified && !cooling ? "qualified" : ""}>
					{qualificationText(score, lead.stage, cooling)}
				</div>
				<div className="sub">model version {score.modelVersion}</div>
				{lead.prediction && (
					<div className="prediction" data-testid="prediction">
						<span className="big">{Math.round(lead.prediction.probability * 100)}%</span> predicted chance of reaching
						SQL
						{lead.prediction.reasons.length > 0 && (
							<span className="sub">
								{" "}
								— most of all{" "}
								{lead.prediction.reasons.map((r) => `${r.column} (+${Math.round(r.effect * 100)} points)`).join(", ")}
							</span>
						)}
					</div>
				)}
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
						{momentsOf(events, touches, stages).map((m) => (
							<tr key={m.key} data-kind={m.kind}>
								<td data-label="Your time">{when(m.at)}</td>
								<td data-label="Their time">{lead.timezone ? when(m.at, lead.timezone) : "—"}</td>
								<td data-label="What">{m.what}</td>
								<td className="sub" data-label="Details">
									{m.details}
								</td>
								<td data-label="Device">{m.device}</td>
							</tr>
						))}
					</tbody>
				</table>
			</section>
			<LeadEnrolments leadId={lead.id} user={user} />
			<section>
				<h2>Stage history</h2>
				<StageMove key={`${lead.stage}-${version}`} id={lead.id} onMoved={reload} />
				<ul className="stage-history">
					{stages.map((s, i) => (
						<li key={`${s.at}-${s.to}-${i}`}>
							{when(s.at)}: {s.from} → {s.to} by {stageBy(s)}
							{s.rejection ? ` (${wordFor(REJECTION_WORDS, s.rejection)})` : ""}
							{s.note ? ` — “${s.note}”` : ""}
							{s.reason ? ` — ${s.reason}` : ""}
						</li>
					))}
				</ul>
			</section>
		</article>
	);
}

/** What the score says of qualifying, in the lead's situation: a recycled lead waits out its cooldown. */
function qualificationText(score: LeadScore, stage: string, coolingUntil: string | null): string {
	const { qualified, reason } = score.qualification;
	if (!qualified) return `Does not qualify: ${reason}`;
	if (coolingUntil)
		return `Meets the bar (${reason}), but was recycled: not an MQL again before ${new Date(coolingUntil).toLocaleDateString()}`;
	if (stage === "recycled" || stage === "disqualified") return `Meets the bar (${reason}), but is ${stage}`;
	return `Qualifies: ${reason}`;
}
