import { useCallback, useEffect, useState } from "react";
import { api, type User } from "../api";
import { Link } from "../nav";
import { REJECTION_REASONS } from "../rejections";

interface Handoff {
	id: string;
	leadId: string;
	ownerId: string | null;
	status: string;
	slaDueAt: string | null;
	firstTouchAt: string | null;
	breachedAt: string | null;
	lead: {
		email: string | null;
		name: string | null;
		company: string | null;
		grade: string | null;
		temperature: string | null;
		why: string | null;
	};
}

function due(at: string | null): string {
	if (!at) return "—";
	const minutes = Math.round((new Date(at).getTime() - Date.now()) / 60_000);
	if (minutes < 0) return `overdue by ${-minutes} min`;
	return minutes < 120 ? `in ${minutes} min` : new Date(at).toLocaleString();
}

function RejectForm({
	onReject,
	onCancel,
}: {
	onReject: (reason: string, note: string) => void;
	onCancel: () => void;
}) {
	const [reason, setReason] = useState("no_need_now");
	const [note, setNote] = useState("");
	return (
		<form
			className="reject"
			aria-label="Reject"
			onSubmit={(e) => {
				e.preventDefault();
				onReject(reason, note);
			}}
		>
			<label>
				Reason{" "}
				<select value={reason} onChange={(e) => setReason(e.target.value)}>
					{REJECTION_REASONS.map(([value, label]) => (
						<option key={value} value={value}>
							{label}
						</option>
					))}
				</select>
			</label>
			<label>
				Note <input value={note} onChange={(e) => setNote(e.target.value)} />
			</label>
			<button type="submit">Reject</button>
			<button type="button" className="quiet" onClick={onCancel}>
				Cancel
			</button>
		</form>
	);
}

function TouchButtons({ onTouch }: { onTouch: (kind: string) => void }) {
	const [kind, setKind] = useState("call");
	return (
		<span className="touch">
			<select aria-label="First touch" value={kind} onChange={(e) => setKind(e.target.value)}>
				<option value="call">call</option>
				<option value="email">email</option>
				<option value="meeting">meeting</option>
			</select>
			<button type="button" className="quiet" onClick={() => onTouch(kind)}>
				Log touch
			</button>
		</span>
	);
}

/** The sales queue: open MQLs by first-touch due time, refreshed every few seconds. */
export function Queue({ user }: { user: User }) {
	const [handoffs, setHandoffs] = useState<Handoff[]>([]);
	const [owners, setOwners] = useState<Map<string, string>>(new Map());
	const [focused, setFocused] = useState(0);
	// A long queue shows its first 50, the most urgent; the rest on demand.
	const [shown, setShown] = useState(50);
	useEffect(() => {
		api<{ data: Array<{ id: string; name: string }> }>("GET", "/v1/owners").then(
			(r) => setOwners(new Map(r.data.map((o) => [o.id, o.name]))),
			() => {},
		);
	}, []);
	const [rejecting, setRejecting] = useState<string | null>(null);
	const [message, setMessage] = useState<string | null>(null);
	const load = useCallback(async () => {
		const mine = user.ownerId ? `&ownerId=${encodeURIComponent(user.ownerId)}` : "";
		const { data } = await api<{ data: Handoff[] }>("GET", `/v1/handoffs?status=open${mine}`);
		setHandoffs(data);
	}, [user.ownerId]);
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
	// An inbox's keys: j and k move, a accepts, r rejects, t logs a call.
	useEffect(() => {
		const onKey = (event: KeyboardEvent) => {
			const target = event.target as HTMLElement;
			if (event.metaKey || event.ctrlKey || event.altKey || /INPUT|SELECT|TEXTAREA/.test(target.tagName)) return;
			const current = handoffs[focused];
			if (event.key === "j") setFocused((i) => Math.min(Math.min(shown, handoffs.length) - 1, i + 1));
			else if (event.key === "k") setFocused((i) => Math.max(0, i - 1));
			else if (event.key === "a" && current) act(current.id, "accept", undefined, "Accepted: the lead is an SQL.");
			else if (event.key === "r" && current) setRejecting(current.id);
			else if (event.key === "t" && current) act(current.id, "touch", { kind: "call" }, "Logged a call.");
			else return;
			event.preventDefault();
		};
		window.addEventListener("keydown", onKey);
		return () => window.removeEventListener("keydown", onKey);
	});
	async function act(id: string, path: string, body?: unknown, done?: string) {
		await api("POST", `/v1/handoffs/${id}/${path}`, body);
		setRejecting(null);
		if (done) setMessage(done);
		await load();
	}
	return (
		<section aria-labelledby="queue-title" data-live={live}>
			<h1 id="queue-title">Sales queue</h1>
			<p className="hint">
				{user.ownerId ? "Your open MQLs" : "Open MQLs of every owner"}, first due first. New ones appear the moment they
				qualify. Keys: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>a</kbd> accept, <kbd>r</kbd> reject, <kbd>t</kbd> log a
				call.
			</p>
			{message && <output className="status">{message}</output>}
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
							<th scope="col">Owner</th>
							<th scope="col">First touch due</th>
							<th scope="col">Actions</th>
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
								<td>
									<Link to={`/leads/${h.leadId}`}>
										<strong>{h.lead.name ?? h.lead.email}</strong>
									</Link>
									<div className="sub">{[h.lead.company, h.lead.email].filter(Boolean).join(" · ")}</div>
								</td>
								<td>{h.lead.grade ?? "—"}</td>
								<td>
									{h.lead.temperature ? (
										<span className={`temp ${h.lead.temperature}`}>{h.lead.temperature}</span>
									) : (
										"—"
									)}
								</td>
								<td className="why">{h.lead.why}</td>
								<td>{h.ownerId ? (owners.get(h.ownerId) ?? "—") : "unassigned"}</td>
								<td className={h.breachedAt ? "late" : ""}>{h.firstTouchAt ? "touched" : due(h.slaDueAt)}</td>
								<td>
									{rejecting === h.id ? (
										<RejectForm
											onCancel={() => setRejecting(null)}
											onReject={(reason, note) =>
												act(h.id, "reject", { rejection: reason, note }, "Rejected: back to nurture.")
											}
										/>
									) : (
										<div className="actions">
											<TouchButtons onTouch={(kind) => act(h.id, "touch", { kind }, `Logged a ${kind}.`)} />
											<button
												type="button"
												onClick={() => act(h.id, "accept", undefined, "Accepted: the lead is an SQL.")}
											>
												Accept
											</button>
											<button type="button" className="quiet" onClick={() => setRejecting(h.id)}>
												Reject…
											</button>
										</div>
									)}
								</td>
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
		</section>
	);
}
