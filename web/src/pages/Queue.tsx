import { useCallback, useEffect, useState } from "react";
import type { Handoff, Owner, RejectInput, TouchInput } from "../../../src/schemas/handoff";
import { request, type User } from "../api";
import { ErrorNote, failure, type Outcome, OutcomeNote } from "../forms";
import { Link } from "../nav";
import { RejectForm } from "./RejectForm";
import { TouchForm } from "./TouchForm";

/** When the first touch is due: minutes from now, and the time in the team's zone. */
export function dueText(at: string | null, zone: string | null, now: number): string {
	if (!at) return "—";
	const minutes = Math.round((new Date(at).getTime() - now) / 60_000);
	const span =
		Math.abs(minutes) < 120
			? `${Math.abs(minutes)} min`
			: `${Math.floor(Math.abs(minutes) / 60)} h ${Math.abs(minutes) % 60} min`;
	const clock = new Date(at).toLocaleTimeString(undefined, {
		hour: "2-digit",
		minute: "2-digit",
		...(zone ? { timeZone: zone } : {}),
	});
	return `${minutes < 0 ? `overdue by ${span}` : `in ${span}`} (${clock}${zone ? ` ${zone}` : ""})`;
}

/** Who may work a handoff: sales and admins; marketing reads the queue. */
export const mayWorkQueue = (user: User) => user.role === "admin" || user.role === "sales";

/** The sales queue: open MQLs, first due first, refreshed the moment one changes. */
export function Queue({ user }: { user: User }) {
	const [handoffs, setHandoffs] = useState<Handoff[]>([]);
	const [total, setTotal] = useState(0);
	const [owners, setOwners] = useState<Owner[]>([]);
	const [ownerFilter, setOwnerFilter] = useState("");
	const [focused, setFocused] = useState(0);
	const [now, setNow] = useState(Date.now());
	// A long queue shows its first 50, the most urgent; the rest on demand.
	const [shown, setShown] = useState(50);
	const [rejecting, setRejecting] = useState<string | null>(null);
	// a success is said above the queue; a failure in the row it happened in
	const [done, setDone] = useState<Outcome | null>(null);
	const [failures, setFailures] = useState<Record<string, string>>({});
	const [loadError, setLoadError] = useState<string | null>(null);
	const rep = user.role === "sales" && user.ownerId !== null;
	const canAct = mayWorkQueue(user);
	useEffect(() => {
		if (rep) return;
		request("GET /v1/owners").then(
			(r) => setOwners(r.data),
			() => setOwners([]),
		);
	}, [rep]);
	const load = useCallback(async () => {
		try {
			const list = await request("GET /v1/handoffs", {
				query: { status: "open", ...(ownerFilter ? { ownerId: ownerFilter } : {}) },
			});
			setHandoffs(list.data);
			setTotal(list.total);
			setNow(Date.now());
			setLoadError(null);
		} catch (e) {
			setLoadError(failure(e));
		}
	}, [ownerFilter]);
	// The server says when handoffs change (server-sent events); a slow poll is the safety net.
	// Once the stream is listening the list is read again, so nothing that changed while it
	// connected is missed.
	const [live, setLive] = useState(false);
	useEffect(() => {
		load();
		const timer = setInterval(load, 20_000);
		const events = new EventSource("/v1/handoffs/events");
		events.addEventListener("ready", () => {
			setLive(true);
			load();
		});
		events.addEventListener("changed", () => load());
		events.addEventListener("error", () => setLive(false));
		return () => {
			clearInterval(timer);
			events.close();
		};
	}, [load]);
	async function act(handoff: Handoff, action: () => Promise<unknown>, said: string) {
		try {
			await action();
			setRejecting(null);
			setDone({ ok: true, text: said });
			setFailures(({ [handoff.id]: _, ...others }) => others);
		} catch (e) {
			setFailures((f) => ({ ...f, [handoff.id]: failure(e) }));
		}
		await load();
	}
	const accept = (h: Handoff) =>
		act(
			h,
			() => request("POST /v1/handoffs/:id/accept", { params: { id: h.id } }),
			`Accepted ${nameOf(h)}: an SQL now.`,
		);
	const reject = (h: Handoff, body: RejectInput) =>
		act(
			h,
			() => request("POST /v1/handoffs/:id/reject", { params: { id: h.id }, body }),
			body.outcome === "disqualified" ? `Disqualified ${nameOf(h)}.` : `Rejected ${nameOf(h)}: back to nurture.`,
		);
	const touch = (h: Handoff, body: TouchInput) =>
		act(
			h,
			() => request("POST /v1/handoffs/:id/touch", { params: { id: h.id }, body }),
			`Logged a ${body.kind} with ${nameOf(h)}.`,
		);
	// An inbox's keys: j and k move, a accepts, r rejects, t logs a call that connected.
	useEffect(() => {
		if (!canAct) return;
		const onKey = (event: KeyboardEvent) => {
			const target = event.target as HTMLElement;
			if (event.metaKey || event.ctrlKey || event.altKey || /INPUT|SELECT|TEXTAREA/.test(target.tagName)) return;
			const current = handoffs[focused];
			if (event.key === "j") setFocused((i) => Math.min(Math.min(shown, handoffs.length) - 1, i + 1));
			else if (event.key === "k") setFocused((i) => Math.max(0, i - 1));
			else if (event.key === "a" && current) accept(current);
			else if (event.key === "r" && current) setRejecting(current.id);
			else if (event.key === "t" && current) touch(current, { kind: "call", outcome: "connected" });
			else return;
			event.preventDefault();
		};
		window.addEventListener("keydown", onKey);
		return () => window.removeEventListener("keydown", onKey);
	});
	const ownerName = (id: string | null) => (id ? (owners.find((o) => o.id === id)?.name ?? "—") : "unassigned");
	return (
		<section aria-labelledby="queue-title" data-live={live}>
			<div className="title-row">
				<h1 id="queue-title">
					{rep ? "Your queue" : "Sales queue"} <span className="count">{total} open</span>
				</h1>
				{!rep && (
					<label>
						Owner{" "}
						<select value={ownerFilter} onChange={(e) => setOwnerFilter(e.target.value)}>
							<option value="">everyone</option>
							{owners.map((o) => (
								<option key={o.id} value={o.id}>
									{o.name}
								</option>
							))}
						</select>
					</label>
				)}
			</div>
			<p className="hint">
				{rep ? "Your open MQLs" : "Open MQLs of every owner"}, first due first; ties go to the better grade, then the
				hotter lead. New ones appear the moment they qualify.
				{canAct && (
					<>
						{" "}
						Keys: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>a</kbd> accept, <kbd>r</kbd> reject, <kbd>t</kbd> log a call.
					</>
				)}
			</p>
			<ErrorNote text={loadError} />
			<OutcomeNote outcome={done} />
			{handoffs.length === 0 ? (
				<p className="empty">No open MQLs.</p>
			) : (
				<table className="queue">
					<thead>
						<tr>
							<th scope="col">Lead</th>
							<th scope="col">Grade</th>
							<th scope="col">Temp.</th>
							<th scope="col">Why</th>
							{!rep && <th scope="col">Owner</th>}
							<th scope="col">First touch due</th>
							{canAct && <th scope="col">Actions</th>}
						</tr>
					</thead>
					<tbody>
						{handoffs.slice(0, shown).map((h, i) => (
							<tr
								key={h.id}
								data-lead={h.lead.email ?? ""}
								className={i === focused ? "focused" : ""}
								aria-current={i === focused ? "true" : undefined}
								onClick={() => setFocused(i)}
							>
								<td data-label="Lead">
									<Link to={`/leads/${h.leadId}`}>
										<strong>{nameOf(h)}</strong>
									</Link>
									<div className="sub">
										{[h.lead.company, h.lead.name ? h.lead.email : null].filter(Boolean).join(" · ")}
									</div>
									<Flags handoff={h} now={now} />
								</td>
								<td data-label="Grade">{h.lead.grade ?? "—"}</td>
								<td data-label="Temp.">
									{h.lead.temperature ? (
										<span className={`temp ${h.lead.temperature}`}>{h.lead.temperature}</span>
									) : (
										"—"
									)}
								</td>
								<td className="why" data-label="Why">
									{h.lead.why}
								</td>
								{!rep && <td data-label="Owner">{ownerName(h.ownerId)}</td>}
								<td className={h.breachedAt ? "late" : ""} data-label="Due">
									{h.firstTouchAt ? "touched" : dueText(h.slaDueAt, h.team?.timezone ?? null, now)}
								</td>
								{canAct && (
									<td data-label="Actions">
										{rejecting === h.id ? (
											<RejectForm onCancel={() => setRejecting(null)} onReject={(body) => reject(h, body)} />
										) : (
											<div className="actions">
												<TouchForm compact onTouch={(body) => touch(h, body)} />
												<button type="button" onClick={() => accept(h)}>
													Accept
												</button>
												<button type="button" className="quiet" onClick={() => setRejecting(h.id)}>
													Reject…
												</button>
											</div>
										)}
										<ErrorNote text={failures[h.id]} />
									</td>
								)}
							</tr>
						))}
					</tbody>
				</table>
			)}
			{handoffs.length > shown && (
				<button type="button" className="quiet" onClick={() => setShown((n) => n + 50)}>
					Show {Math.min(50, handoffs.length - shown)} more of {handoffs.length}
				</button>
			)}
			{total > handoffs.length && (
				<p className="sub">
					Showing the {handoffs.length} most urgent of {total}.
				</p>
			)}
		</section>
	);
}

const nameOf = (h: Handoff) => h.lead.name ?? h.lead.email ?? "this lead";

/** What a rep should know before reaching out: no e-mail consent, or a cooldown still running. */
function Flags({ handoff, now }: { handoff: Handoff; now: number }) {
	const flags: string[] = [];
	if (handoff.lead.consent !== "subscribed") flags.push(`${handoff.lead.consent}: do not e-mail`);
	if (handoff.lead.cooldownUntil && new Date(handoff.lead.cooldownUntil).getTime() > now)
		flags.push(`cooldown until ${new Date(handoff.lead.cooldownUntil).toLocaleDateString()}`);
	if (flags.length === 0) return null;
	return (
		<ul className="flags">
			{flags.map((f) => (
				<li key={f} className="flag">
					{f}
				</li>
			))}
		</ul>
	);
}
