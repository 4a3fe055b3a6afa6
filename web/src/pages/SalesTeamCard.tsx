import { useEffect, useState } from "react";
import type { HandoffMetricsRow } from "../../../src/schemas/metrics";
import { request } from "../api";
import { REJECTION_WORDS, wordFor } from "../words";

type OwnerRow = HandoffMetricsRow;

const percent = (r: number | null) => (r === null ? "—" : `${Math.round(r * 100)}%`);
export function duration(seconds: number | null): string {
	if (seconds === null) return "—";
	if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
	if (seconds < 86_400) return `${Math.round(seconds / 360) / 10} h`;
	return `${Math.round(seconds / 8640) / 10} d`;
}

/**
 * How each person on the sales team handled the MQLs handed to them in the period — speed to
 * lead, acceptance, missed SLAs — and why sales turned leads down, which is what the scoring
 * model should learn from.
 */
export function SalesTeamCard({
	start,
	end,
	segment = "",
	account = "",
}: {
	start: string;
	end: string;
	segment?: string;
	account?: string;
}) {
	const [rows, setRows] = useState<OwnerRow[] | null>(null);
	const [leadReasons, setLeadReasons] = useState(new Map<string, number>());
	useEffect(() => {
		request("GET /v1/metrics/not-now", {
			query: { from: start, to: end, ...(segment ? { segment } : {}), ...(account ? { account } : {}) },
		}).then(
			(r) => setLeadReasons(new Map(r.data.map((x) => [x.reason, x.leads]))),
			() => setLeadReasons(new Map()),
		);
	}, [start, end, segment, account]);
	useEffect(() => {
		request("GET /v1/metrics/handoffs", {
			query: { by: "owner", from: start, to: end, ...(segment ? { segment } : {}), ...(account ? { account } : {}) },
		}).then(
			(r) => setRows(r.data),
			() => setRows([]),
		);
	}, [start, end, segment, account]);
	if (!rows) return null;
	const reasons = new Map<string, number>();
	for (const row of rows)
		for (const [reason, n] of Object.entries(row.rejections)) reasons.set(reason, (reasons.get(reason) ?? 0) + n);
	return (
		<>
			<section className="card wide" aria-labelledby="team-title">
				<h2 id="team-title">Sales team: handoffs made in the period, by owner</h2>
				{rows.length === 0 ? (
					<p className="empty">No handoffs in this period.</p>
				) : (
					<table className="compact">
						<thead>
							<tr>
								<th scope="col">Owner</th>
								<th scope="col" className="num">
									Handoffs
								</th>
								<th scope="col" className="num">
									Touched
								</th>
								<th scope="col" className="num">
									Speed to lead (median)
								</th>
								<th scope="col" className="num">
									Missed SLA
								</th>
								<th scope="col" className="num">
									Accepted
								</th>
								<th scope="col" className="num">
									Rejected
								</th>
								<th scope="col" className="num">
									<abbr title="accepted ÷ (accepted + rejected) of this person's handoffs">Accepted of decided</abbr>
								</th>
							</tr>
						</thead>
						<tbody>
							{rows.map((r) => (
								<tr key={r.key ?? "unassigned"} data-owner={r.label ?? ""}>
									<td>{r.label ?? "unassigned"}</td>
									<td className="num">{r.handoffs}</td>
									<td className="num">{r.touched}</td>
									<td className="num">{duration(r.speedToLeadMedian)}</td>
									<td className="num">{r.breached}</td>
									<td className="num">{r.accepted}</td>
									<td className="num">{r.rejected}</td>
									<td className="num">{percent(r.acceptanceRate)}</td>
								</tr>
							))}
						</tbody>
					</table>
				)}
			</section>
			<ReasonsCard sales={reasons} leads={leadReasons} />
		</>
	);
}

/** One reason's share of its side, as a bar and "n (p%)". */
function Share({ n, total }: { n: number; total: number }) {
	return (
		<div className="share">
			<span className="bar" aria-hidden="true">
				<span style={{ width: `${total > 0 ? (100 * n) / total : 0}%` }} />
			</span>
			<span className="num">
				{n} ({percent(total > 0 ? n / total : null)})
			</span>
		</div>
	);
}

/**
 * Why sales rejected MQLs beside what leads themselves answered when a survey asked why not
 * now, in the same words: where the two disagree, the model or the hand-off is wrong.
 */
function ReasonsCard({ sales, leads }: { sales: Map<string, number>; leads: Map<string, number> }) {
	const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
	const [salesTotal, leadsTotal] = [sum(sales), sum(leads)];
	const reasons = [...new Set([...sales.keys(), ...leads.keys()])].sort(
		(a, b) => (sales.get(b) ?? 0) - (sales.get(a) ?? 0) || (leads.get(b) ?? 0) - (leads.get(a) ?? 0),
	);
	return (
		<section className="card wide" aria-labelledby="reasons-title">
			<h2 id="reasons-title">Why not now</h2>
			{reasons.length === 0 ? (
				<p className="empty">No rejections or survey answers in this period.</p>
			) : (
				<table className="compact reasons-table">
					<thead>
						<tr>
							<th scope="col">Reason</th>
							<th scope="col">Sales rejected ({salesTotal})</th>
							<th scope="col">Leads said ({leadsTotal})</th>
						</tr>
					</thead>
					<tbody>
						{reasons.map((reason) => (
							<tr key={reason} data-reason={reason}>
								<th scope="row">{wordFor(REJECTION_WORDS, reason)}</th>
								<td className="reasons" data-side="sales">
									<Share n={sales.get(reason) ?? 0} total={salesTotal} />
								</td>
								<td className="reasons" data-side="leads">
									<Share n={leads.get(reason) ?? 0} total={leadsTotal} />
								</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
			{leadsTotal === 0 && (
				<p className="hint">
					Leads' own reasons come from a survey form whose "why not now" question maps each answer to one of these.
				</p>
			)}
		</section>
	);
}
