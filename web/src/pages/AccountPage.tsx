import { useCallback, useEffect, useState } from "react";
import type { AccountDetail, AccountTimeline } from "../../../src/schemas/accounts";
import type { Owner } from "../../../src/schemas/handoff";
import { request, type User } from "../api";
import { ErrorNote, failure, OutcomeNote, useOutcome } from "../forms";
import { Link } from "../nav";

const ROLE_WORDS = { decision_maker: "decision maker", influencer: "influencer", user: "user" } as const;

/** A company: its people with their scores and roles, its score explained, its owner, and everything its people did. */
export function AccountPage({ id, user }: { id: string; user: User }) {
	const [account, setAccount] = useState<AccountDetail | null>(null);
	const [owners, setOwners] = useState<Owner[]>([]);
	const [events, setEvents] = useState<AccountTimeline["data"]>([]);
	const [cursor, setCursor] = useState<string | null>(null);
	const [error, setError] = useState<string | null>(null);
	const action = useOutcome();
	useEffect(() => {
		request("GET /v1/accounts/:id", { params: { id } }).then(setAccount, (e) => setError(failure(e)));
		request("GET /v1/owners").then(
			(r) => setOwners(r.data),
			() => setOwners([]),
		);
	}, [id]);
	const load = useCallback(
		(after: string | null) =>
			request("GET /v1/accounts/:id/timeline", {
				params: { id },
				query: { limit: "30", ...(after ? { cursor: after } : {}) },
			}).then(
				(page) => {
					setEvents((previous) => (after ? [...previous, ...page.data] : page.data));
					setCursor(page.nextCursor);
				},
				(e) => setError(failure(e)),
			),
		[id],
	);
	useEffect(() => {
		load(null);
	}, [load]);
	if (!account) return error ? <ErrorNote text={error} /> : <p className="loading">Loading…</p>;
	const change = (patch: { ownerId?: string | null; named?: boolean }) => {
		// the control shows the choice at once; the answer (or a failure) follows
		setAccount((a) => (a ? { ...a, ...patch } : a));
		return action.run(
			async () => setAccount(await request("PATCH /v1/accounts/:id", { params: { id }, body: patch })),
			"Saved.",
		);
	};
	const writes = user.role !== "sales";
	return (
		<section aria-labelledby="account-title">
			<p className="sub">
				<Link to="/accounts">Accounts</Link> ›
			</p>
			<h1 id="account-title">{account.name ?? account.domain ?? account.groupId}</h1>
			<p>
				{account.domain ?? account.groupId} ·{" "}
				<Link
					to={`/leads?account=${id}`}
					className="count"
					data-count={account.members}
					aria-label={`${account.members} people: show them`}
				>
					{account.members}
				</Link>{" "}
				{account.members === 1 ? "person" : "people"} · <Link to={`/dashboard?account=${id}`}>Its dashboard</Link>
			</p>
			<div className="cards">
				<section className="card" aria-labelledby="score-title" data-card="score">
					<h2 id="score-title">Score</h2>
					<p>
						<strong className="big">{Math.round(account.fit)}</strong> fit ·{" "}
						<strong className="big" data-engagement={account.engagement}>
							{Math.round(account.engagement * 10) / 10}
						</strong>{" "}
						engagement
					</p>
					<p className={account.qualifiedAt ? "qualified" : "sub"}>
						{account.qualifiedAt
							? `An MQA since ${new Date(account.qualifiedAt).toLocaleString()}: ${account.explanation.reason}.`
							: `Not an MQA ${account.explanation.reason.replace(/^not yet/, "yet")}.`}
					</p>
					<h3>Fit</h3>
					{account.explanation.fitRules.length > 0 ? (
						<ul>
							{account.explanation.fitRules.map((r) => (
								<li key={r.label}>
									{r.label}: +{r.points}
								</li>
							))}
						</ul>
					) : (
						<p className="sub">No fit rule matches its traits.</p>
					)}
					<h3>Engagement</h3>
					<p className="sub">The sum of its people's engagement, each counted up to {account.explanation.personCap}.</p>
				</section>
				<section className="card" aria-labelledby="traits-title" data-card="traits">
					<h2 id="traits-title">What we know of it</h2>
					<dl className="profile">
						{Object.entries(account.traits).map(([k, v]) => (
							<div key={k}>
								<dt>{k}</dt>
								<dd>
									{typeof v === "string" || typeof v === "number" || typeof v === "boolean"
										? String(v)
										: JSON.stringify(v)}
								</dd>
							</div>
						))}
					</dl>
					<h3>Owner</h3>
					{writes ? (
						<div className="rule-form">
							<label>
								Owner{" "}
								<select value={account.ownerId ?? ""} onChange={(e) => change({ ownerId: e.target.value || null })}>
									<option value="">nobody yet (routing decides)</option>
									{owners.map((o) => (
										<option key={o.id} value={o.id}>
											{o.name}
										</option>
									))}
								</select>
							</label>
							<label className="check">
								<input type="checkbox" checked={account.named} onChange={(e) => change({ named: e.target.checked })} />{" "}
								named account (keeps its owner, even after a missed SLA)
							</label>
							<OutcomeNote outcome={action.outcome} />
						</div>
					) : (
						<p>
							{account.ownerName ?? "nobody yet"}
							{account.named ? " (named account)" : ""}
						</p>
					)}
				</section>
			</div>
			<h2>People</h2>
			<table className="queue people">
				<thead>
					<tr>
						<th scope="col">Person</th>
						<th scope="col">Role</th>
						<th scope="col">Stage</th>
						<th scope="col" className="num">
							Fit
						</th>
						<th scope="col" className="num">
							Engagement
						</th>
						<th scope="col" className="num">
							Counted
						</th>
					</tr>
				</thead>
				<tbody>
					{account.people.map((p) => (
						<tr key={p.id} data-person={p.email ?? ""}>
							<td data-label="Person">
								<Link to={`/leads/${p.id}`}>{p.name ?? p.email ?? p.id}</Link>
								<div className="sub">{[p.title, p.email].filter(Boolean).join(" · ")}</div>
							</td>
							<td data-label="Role">{p.role ? ROLE_WORDS[p.role] : "—"}</td>
							<td data-label="Stage">{p.stage}</td>
							<td data-label="Fit" className="num">
								{p.fit === null ? "—" : Math.round(p.fit)}
							</td>
							<td data-label="Engagement" className="num">
								{Math.round(p.engagement * 10) / 10}
							</td>
							<td data-label="Counted" className="num" data-counted={p.counted}>
								{Math.round(p.counted * 10) / 10}
							</td>
						</tr>
					))}
				</tbody>
			</table>
			<h2>Timeline</h2>
			<ol className="timeline-list">
				{events.map((e, i) => (
					<li key={`${e.at}-${i}`}>
						<span className="sub">{new Date(e.at).toLocaleString()}</span>{" "}
						<Link to={`/leads/${e.leadId}`}>{e.email ?? "someone"}</Link> {e.type}
						{e.name ? `: ${e.name}` : ""}
					</li>
				))}
			</ol>
			{events.length === 0 && <p className="empty">Nothing yet.</p>}
			{cursor && (
				<button type="button" className="quiet" onClick={() => load(cursor)}>
					Load more
				</button>
			)}
		</section>
	);
}
