import { useCallback, useEffect, useState } from "react";
import type { Enrolment } from "../../../src/schemas/nurture";
import { request, type User } from "../api";
import { ErrorNote, failure, OutcomeNote, useOutcome } from "../forms";
import { Link } from "../nav";

const when = (iso: string) => new Date(iso).toLocaleString();

/** The sequences a lead is in or was in, and a way to take it out. */
export function LeadEnrolments({ leadId, user }: { leadId: string; user: User }) {
	const [rows, setRows] = useState<Enrolment[]>([]);
	const [error, setError] = useState<string | null>(null);
	const { outcome, run } = useOutcome();
	const load = useCallback(
		() =>
			request("GET /v1/leads/:id/enrolments", { params: { id: leadId } }).then(
				(r) => setRows(r.data),
				(e) => setError(failure(e)),
			),
		[leadId],
	);
	useEffect(() => {
		load();
	}, [load]);
	if (rows.length === 0 && !error) return null;
	return (
		<section aria-labelledby="enrolments-title">
			<h2 id="enrolments-title">Nurture</h2>
			<ErrorNote text={error} />
			<ul className="enrolments">
				{rows.map((e) => (
					<li key={e.id} data-enrolment={e.sequenceName}>
						{user.role === "sales" ? (
							<strong>{e.sequenceName}</strong>
						) : (
							<Link to={`/nurture/sequences/${e.sequenceId}`}>{e.sequenceName}</Link>
						)}{" "}
						(v{e.version}) — {e.status === "held_out" ? "held out for comparison" : e.status}
						{e.step ? `, at step “${e.step}”` : ""}
						{e.nextRunAt ? ` until ${when(e.nextRunAt)}` : ""}; entered {when(e.enteredAt)} on {e.trigger}; {e.emails}{" "}
						e-mail{e.emails === 1 ? "" : "s"} sent
						{e.exitReason ? `; ended: ${e.exitReason}` : ""}
						{e.status === "active" && user.role !== "sales" && (
							<button
								type="button"
								className="link-button"
								onClick={() =>
									run(async () => {
										await request("DELETE /v1/enrolments/:id", { params: { id: e.id } });
										await load();
									}, "Taken out of the sequence.")
								}
							>
								Take out
							</button>
						)}
					</li>
				))}
			</ul>
			<OutcomeNote outcome={outcome} />
		</section>
	);
}
