import { type FormEvent, useState } from "react";
import type { ImportReport } from "../../../src/schemas/imports";
import { request } from "../api";
import { ErrorNote, failure } from "../forms";
import { Link } from "../nav";

type Kind = ImportReport["kind"];
type Role = ImportReport["columns"][number]["role"];

const KIND_WORDS: Record<Kind, string> = {
	leads: "Leads (one row per lead: a CRM export, a list)",
	events: "Events (one row per thing a lead did)",
	outcomes: "Outcomes (opportunities, deals won or lost)",
};

const roleText = (role: Role) => (role === "skip" ? "skip" : "field" in role ? role.field : `trait:${role.trait}`);

/**
 * Upload a CSV: first checked (what each column is and holds, every row that would be turned
 * away), with the guesses changeable; then imported as history, and the mapping remembered.
 */
export function Import() {
	const [kind, setKind] = useState<Kind>("leads");
	const [file, setFile] = useState<File | null>(null);
	const [roles, setRoles] = useState<Record<string, string>>({});
	const [stage, setStage] = useState(false);
	const [outcome, setOutcome] = useState<"" | "won" | "lost" | "opportunity">("");
	const [report, setReport] = useState<ImportReport | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	async function send(dryRun: boolean) {
		if (!file) return;
		setBusy(true);
		setError(null);
		try {
			const map = Object.entries(roles)
				.map(([header, role]) => `${header}=${role}`)
				.join(",");
			const next = await request("POST /v1/imports/:kind", {
				params: { kind },
				query: {
					dryRun: dryRun ? "true" : "false",
					...(map ? { map } : {}),
					...(stage && kind === "leads" ? { stage: "mql" as const } : {}),
					...(outcome && kind === "outcomes" ? { outcome } : {}),
				},
				body: file,
			});
			setReport(next);
		} catch (e) {
			setError(failure(e));
		}
		setBusy(false);
	}
	const check = (event: FormEvent) => {
		event.preventDefault();
		setRoles({});
		send(true);
	};
	const options = report
		? [
				"skip",
				...report.fields,
				...report.columns.flatMap((c) => (c.role !== "skip" && "trait" in c.role ? [`trait:${c.role.trait}`] : [])),
			]
		: [];
	return (
		<section aria-labelledby="import-title">
			<p>
				<Link to="/leads">← Leads</Link>
			</p>
			<h1 id="import-title">Import a CSV</h1>
			<p className="hint">
				History comes in as it happened: leads that qualified become MQLs on their day, but nobody is handed old leads
				now. The same file twice changes nothing. Large files (over 200 MB) go with <code>qualify import</code>.
			</p>
			<form className="inline-form" aria-label="Choose a file" onSubmit={check}>
				<label>
					The file holds{" "}
					<select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
						{Object.entries(KIND_WORDS).map(([value, words]) => (
							<option key={value} value={value}>
								{words}
							</option>
						))}
					</select>
				</label>
				<label>
					CSV file{" "}
					<input type="file" accept=".csv,text/csv" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
				</label>
				{kind === "leads" && (
					<label>
						<input type="checkbox" checked={stage} onChange={(e) => setStage(e.target.checked)} /> they are MQLs already
					</label>
				)}
				{kind === "outcomes" && (
					<label>
						Every row is{" "}
						<select value={outcome} onChange={(e) => setOutcome(e.target.value as typeof outcome)}>
							<option value="">as its outcome column says</option>
							<option value="won">won</option>
							<option value="lost">lost</option>
							<option value="opportunity">an opportunity</option>
						</select>
					</label>
				)}
				<button type="submit" disabled={!file || busy}>
					{busy ? "Reading…" : "Check the file"}
				</button>
			</form>
			<ErrorNote text={error} />
			{report && (
				<section aria-label="What the file holds">
					<h2>{report.dryRun ? "What an import would do" : "Imported"}</h2>
					{report.mappingProblems.map((p) => (
						<p key={p} role="alert" className="error">
							Cannot import: {p}
						</p>
					))}
					<div className="scroll">
						<table className="compact">
							<thead>
								<tr>
									<th scope="col">Column</th>
									<th scope="col">Is</th>
									<th scope="col">Holds</th>
								</tr>
							</thead>
							<tbody>
								{report.columns.map((c) => (
									<tr key={c.header} data-column={c.header}>
										<td>{c.header}</td>
										<td>
											<select
												aria-label={`What ${c.header} is`}
												value={roles[c.header] ?? roleText(c.role)}
												onChange={(e) => setRoles({ ...roles, [c.header]: e.target.value })}
												disabled={!report.dryRun}
											>
												{[...new Set([roleText(c.role), ...options])].map((o) => (
													<option key={o} value={o}>
														{o}
													</option>
												))}
											</select>
										</td>
										<td className="sub">{c.typeWords}</td>
									</tr>
								))}
							</tbody>
						</table>
					</div>
					<output className="status" data-testid="import-summary">
						{report.rows.toLocaleString()} rows:{" "}
						{report.dryRun
							? `${report.imported.toLocaleString()} would be imported`
							: `${report.imported.toLocaleString()} imported, ${report.unchanged.toLocaleString()} already there`}
						, {report.rejected.toLocaleString()} turned away.
						{report.staged > 0 ? ` ${report.staged.toLocaleString()} leads became MQLs on their first-seen day.` : ""}
					</output>
					{report.problems.length > 0 && (
						<ul className="problems">
							{report.problems.slice(0, 30).map((p) => (
								<li key={`${p.line}-${p.column}`}>
									line {p.line}, {p.column}: {p.reason}
								</li>
							))}
							{report.problemCount > 30 && <li>… and {report.problemCount - 30} more</li>}
						</ul>
					)}
					{report.warnings.length > 0 && (
						<ul className="sub">
							{report.warnings.map((w) => (
								<li key={w}>{w}</li>
							))}
						</ul>
					)}
					{report.dryRun && (
						<div className="actions">
							{Object.keys(roles).length > 0 && (
								<button type="button" className="quiet" disabled={busy} onClick={() => send(true)}>
									Check again with these columns
								</button>
							)}
							<button type="button" disabled={busy || report.mappingProblems.length > 0} onClick={() => send(false)}>
								Import {report.imported.toLocaleString()} rows
							</button>
						</div>
					)}
				</section>
			)}
		</section>
	);
}
