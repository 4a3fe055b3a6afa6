import type { User } from "../api";
import { ErrorNote, useList } from "../forms";
import { Link } from "../nav";

const TRIGGER: Record<string, string> = {
	manual: "by hand or from a list",
	segment_entered: "entering a segment",
	event: "an event",
	stage: "a stage change",
};

/** Sequences with what they are doing now, and the templates they send. */
export function Nurture({ user }: { user: User }) {
	const sequences = useList("GET /v1/sequences");
	const templates = useList("GET /v1/templates");
	const writes = user.role !== "sales";
	return (
		<section aria-labelledby="nurture-title">
			<div className="title-row">
				<h1 id="nurture-title">Nurture</h1>
				{writes && <Link to="/nurture/sequences/new">New sequence…</Link>}
			</div>
			<p className="hint">
				Sequences follow leads up with personal e-mail and stop when they should: when a lead becomes an SQL,
				unsubscribes, bounces or reaches the goal.
			</p>
			<ErrorNote text={sequences.error} />
			<table className="queue sequences">
				<thead>
					<tr>
						<th scope="col">Sequence</th>
						<th scope="col">Status</th>
						<th scope="col">Starts on</th>
						<th scope="col" className="num">
							Running
						</th>
						<th scope="col" className="num">
							Entered
						</th>
					</tr>
				</thead>
				<tbody>
					{sequences.rows.map((s) => (
						<tr key={s.id} data-sequence={s.name}>
							<td data-label="Sequence">
								<Link to={`/nurture/sequences/${s.id}`}>{s.name}</Link>
							</td>
							<td data-label="Status">
								<span className={`status-${s.status}`}>{s.status}</span>
								{s.pausedReason && <div className="hint">{s.pausedReason}</div>}
							</td>
							<td data-label="Starts on">{TRIGGER[s.definition.trigger.on] ?? s.definition.trigger.on}</td>
							<td className="num" data-label="Running">
								{s.active.toLocaleString()}
							</td>
							<td className="num" data-label="Entered">
								{s.enrolled.toLocaleString()}
							</td>
						</tr>
					))}
				</tbody>
			</table>
			{sequences.rows.length === 0 && !sequences.error && <p className="empty">No sequences yet.</p>}

			<div className="title-row">
				<h2>E-mail templates</h2>
				{writes && <Link to="/nurture/templates/new">New template…</Link>}
			</div>
			<ErrorNote text={templates.error} />
			<ul className="plain-list">
				{templates.rows.map((t) => (
					<li key={t.id}>
						<Link to={`/nurture/templates/${t.id}`}>{t.name}</Link> <span className="hint">{t.subject}</span>
					</li>
				))}
			</ul>
			{templates.rows.length === 0 && !templates.error && <p className="empty">No templates yet.</p>}
		</section>
	);
}
