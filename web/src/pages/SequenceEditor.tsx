import { useContext, useEffect, useState } from "react";
import type { Sequence, SequenceDefinition, SequenceResults, Step } from "../../../src/schemas/nurture";
import { request } from "../api";
import { ErrorNote, failure, OutcomeNote, useList, useOutcome } from "../forms";
import { Navigate } from "../nav";

type Definition = SequenceDefinition;
const STAGES = ["subscriber", "lead", "mql", "sql", "opportunity", "customer", "recycled", "disqualified"] as const;
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const KINDS: Record<Step["kind"], string> = {
	email: "Send e-mail",
	wait: "Wait",
	wait_until: "Wait until (lead's time)",
	branch: "Branch",
	update_traits: "Update traits",
	notify_owner: "Notify the owner",
	move_to: "Move to sequence",
	exit: "Exit",
};

const EMPTY: Definition = {
	trigger: { on: "manual" },
	steps: [{ id: "step-1", kind: "wait", amount: 1, unit: "days" }],
	exits: { stages: ["sql", "opportunity", "customer", "disqualified"] },
	reentry: { policy: "never" },
	holdoutPercent: 0,
};

function newStep(kind: Step["kind"], id: string, templateId: string): Step {
	switch (kind) {
		case "email":
			return { id, kind, template: templateId };
		case "wait":
			return { id, kind, amount: 2, unit: "days" };
		case "wait_until":
			return { id, kind, weekdays: [2, 3, 4], from: "09:00", to: "11:00" };
		case "branch":
			return { id, kind, if: { test: "opened_last" }, yes: "next", no: "exit" };
		case "update_traits":
			return { id, kind, traits: { nurtured: true } };
		case "notify_owner":
			return { id, kind, message: "This lead is warming up." };
		case "move_to":
			return { id, kind, sequence: "" };
		case "exit":
			return { id, kind };
	}
}

/** A sequence: its trigger, its steps as a flow, its exits; its state and results once saved. */
export function SequenceEditor({ id }: { id?: string }) {
	const navigate = useContext(Navigate);
	const templates = useList("GET /v1/templates");
	const sequences = useList("GET /v1/sequences");
	const segments = useList("GET /v1/segments");
	const [name, setName] = useState("");
	const [definition, setDefinition] = useState<Definition>(EMPTY);
	const [saved, setSaved] = useState<Sequence | null>(null);
	const [results, setResults] = useState<SequenceResults | null>(null);
	const [error, setError] = useState<string | null>(null);
	const { outcome, run } = useOutcome();

	useEffect(() => {
		if (!id) return;
		request("GET /v1/sequences/:id", { params: { id } }).then(
			(s) => {
				setSaved(s);
				setName(s.name);
				setDefinition(s.definition);
			},
			(e) => setError(failure(e)),
		);
		request("GET /v1/sequences/:id/results", { params: { id } }).then(setResults, (e) => setError(failure(e)));
	}, [id]);

	const steps = definition.steps;
	const setSteps = (next: Step[]) => setDefinition({ ...definition, steps: next });
	const setStep = (i: number, step: Step) => setSteps(steps.map((s, j) => (j === i ? step : s)));
	const freshId = () => {
		let n = steps.length + 1;
		while (steps.some((s) => s.id === `step-${n}`)) n++;
		return `step-${n}`;
	};
	const targets = ["next", "exit", ...steps.map((s) => s.id)];

	async function save() {
		const body = { name, definition };
		if (id) setSaved(await request("PUT /v1/sequences/:id", { params: { id }, body }));
		else {
			const s = await request("POST /v1/sequences", { body });
			navigate(`/nurture/sequences/${s.id}`);
		}
	}
	async function status(to: "active" | "paused" | "archived") {
		if (!id) return;
		setSaved(await request("POST /v1/sequences/:id/status", { params: { id }, body: { status: to } }));
	}

	const t = definition.trigger;
	return (
		<section aria-labelledby="sequence-title">
			<h1 id="sequence-title">{id ? (saved?.name ?? "Sequence") : "New sequence"}</h1>
			<ErrorNote text={error} />
			{saved && (
				<div className="sequence-state">
					<p data-entered={saved.enrolled}>
						<strong data-status={saved.status}>{saved.status}</strong> · version {saved.version} ·{" "}
						{saved.active.toLocaleString()} running, {saved.enrolled.toLocaleString()} entered
					</p>
					{saved.pausedReason && <output className="paused-reason">{saved.pausedReason}</output>}
					<div className="button-row">
						{saved.status !== "active" && (
							<button type="button" onClick={() => run(() => status("active"), "Started.")}>
								Start
							</button>
						)}
						{saved.status === "active" && (
							<button type="button" onClick={() => run(() => status("paused"), "Paused.")}>
								Pause
							</button>
						)}
					</div>
				</div>
			)}
			<form
				aria-label="Sequence"
				className="sequence-editor"
				onSubmit={(e) => {
					e.preventDefault();
					run(save, id ? "Saved as a new version; leads on their way finish the one they started." : "Saved.");
				}}
			>
				<label>
					Name <input required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
				</label>
				<fieldset>
					<legend>Starts when</legend>
					<select
						aria-label="Trigger"
						value={t.on}
						onChange={(e) => {
							const on = e.target.value;
							const trigger: Definition["trigger"] =
								on === "segment_entered"
									? { on, segment: segments.rows[0]?.id ?? "" }
									: on === "event"
										? { on, event: "Form Submitted" }
										: on === "stage"
											? { on, to: "recycled" }
											: { on: "manual" };
							setDefinition({ ...definition, trigger });
						}}
					>
						<option value="manual">enrolled by hand or from a list</option>
						<option value="segment_entered">a lead enters a segment</option>
						<option value="event">a lead does something (an event)</option>
						<option value="stage">a lead's stage changes</option>
					</select>
					{t.on === "segment_entered" && (
						<select
							aria-label="Segment"
							value={t.segment}
							onChange={(e) => setDefinition({ ...definition, trigger: { ...t, segment: e.target.value } })}
						>
							{segments.rows.map((s) => (
								<option key={s.id} value={s.id}>
									{s.name}
								</option>
							))}
						</select>
					)}
					{t.on === "event" && (
						<>
							<input
								aria-label="Event"
								value={t.event}
								onChange={(e) => setDefinition({ ...definition, trigger: { ...t, event: e.target.value } })}
							/>
							<input
								aria-label="Only for form, content or webinar id"
								placeholder="form_id (optional)"
								value={String(t.match?.form_id ?? "")}
								onChange={(e) =>
									setDefinition({
										...definition,
										trigger: {
											...t,
											...(e.target.value ? { match: { form_id: e.target.value } } : { match: undefined }),
										},
									})
								}
							/>
						</>
					)}
					{t.on === "stage" && (
						<select
							aria-label="Stage"
							value={t.to}
							onChange={(e) =>
								setDefinition({
									...definition,
									trigger: { on: "stage", to: e.target.value as (typeof STAGES)[number] },
								})
							}
						>
							{STAGES.map((s) => (
								<option key={s}>{s}</option>
							))}
						</select>
					)}
				</fieldset>

				<ol className="flow" aria-label="Steps">
					{steps.map((step, i) => (
						<li key={`${i}-${step.id}`} className={`flow-step step-${step.kind}`} data-step={step.id}>
							<div className="flow-head">
								<input
									aria-label={`Step ${i + 1} id`}
									value={step.id}
									size={10}
									onChange={(e) => setStep(i, { ...step, id: e.target.value })}
								/>
								<select
									aria-label={`Step ${i + 1} kind`}
									value={step.kind}
									onChange={(e) =>
										setStep(i, newStep(e.target.value as Step["kind"], step.id, templates.rows[0]?.id ?? ""))
									}
								>
									{Object.entries(KINDS).map(([k, label]) => (
										<option key={k} value={k}>
											{label}
										</option>
									))}
								</select>
								<button
									type="button"
									aria-label={`Remove step ${i + 1}`}
									disabled={steps.length === 1}
									onClick={() => setSteps(steps.filter((_, j) => j !== i))}
								>
									Remove
								</button>
							</div>
							<StepFields
								step={step}
								targets={targets}
								onChange={(s) => setStep(i, s)}
								templates={templates.rows}
								sequences={sequences.rows.filter((s) => s.id !== id)}
							/>
							{step.kind === "branch" && (
								<p className="hint">
									yes → {step.yes}, no → {step.no}
								</p>
							)}
						</li>
					))}
				</ol>
				<button
					type="button"
					onClick={() => setSteps([...steps, newStep("email", freshId(), templates.rows[0]?.id ?? "")])}
				>
					Add a step
				</button>

				<fieldset>
					<legend>Ends when</legend>
					<div className="checks">
						{STAGES.map((s) => (
							<label key={s}>
								<input
									type="checkbox"
									checked={definition.exits.stages.includes(s)}
									onChange={(e) =>
										setDefinition({
											...definition,
											exits: {
												...definition.exits,
												stages: e.target.checked
													? [...definition.exits.stages, s]
													: definition.exits.stages.filter((x) => x !== s),
											},
										})
									}
								/>{" "}
								becomes {s}
							</label>
						))}
					</div>
					<label>
						Goal event{" "}
						<input
							value={definition.exits.goal?.event ?? ""}
							placeholder="e.g. Demo Requested"
							onChange={(e) =>
								setDefinition({
									...definition,
									exits: {
										...definition.exits,
										...(e.target.value ? { goal: { event: e.target.value } } : { goal: undefined }),
									},
								})
							}
						/>
					</label>
					<p className="hint">Unsubscribes, bounces and complaints always end it.</p>
				</fieldset>
				<fieldset>
					<legend>Entering again, and the holdout</legend>
					<select
						aria-label="Re-entry"
						value={definition.reentry.policy}
						onChange={(e) => {
							const policy = e.target.value;
							setDefinition({
								...definition,
								reentry:
									policy === "after_days"
										? { policy, days: 30 }
										: policy === "after_exit"
											? { policy }
											: { policy: "never" },
							});
						}}
					>
						<option value="never">a lead enters once</option>
						<option value="after_exit">again once the last run ended</option>
						<option value="after_days">again after some days</option>
					</select>
					{definition.reentry.policy === "after_days" && (
						<input
							type="number"
							aria-label="Days before entering again"
							min={1}
							value={definition.reentry.days}
							onChange={(e) =>
								setDefinition({ ...definition, reentry: { policy: "after_days", days: Number(e.target.value) } })
							}
						/>
					)}
					<label>
						Hold out{" "}
						<input
							type="number"
							min={0}
							max={50}
							value={definition.holdoutPercent}
							onChange={(e) => setDefinition({ ...definition, holdoutPercent: Number(e.target.value) })}
						/>
						% of entrants, to compare against
					</label>
				</fieldset>
				<button type="submit">Save</button>
				<OutcomeNote outcome={outcome} />
			</form>
			{results && <Results results={results} />}
		</section>
	);
}

function StepFields({
	step,
	targets,
	onChange,
	templates,
	sequences,
}: {
	step: Step;
	targets: string[];
	onChange: (s: Step) => void;
	templates: ReadonlyArray<{ id: string; name: string }>;
	sequences: ReadonlyArray<{ id: string; name: string }>;
}) {
	switch (step.kind) {
		case "email":
			return (
				<select
					aria-label="Template"
					value={step.template}
					onChange={(e) => onChange({ ...step, template: e.target.value })}
				>
					<option value="">choose a template</option>
					{templates.map((t) => (
						<option key={t.id} value={t.id}>
							{t.name}
						</option>
					))}
				</select>
			);
		case "wait":
			return (
				<span>
					<input
						type="number"
						aria-label="How long"
						min={1}
						value={step.amount}
						onChange={(e) => onChange({ ...step, amount: Number(e.target.value) })}
					/>
					<select
						aria-label="Unit"
						value={step.unit}
						onChange={(e) => onChange({ ...step, unit: e.target.value as typeof step.unit })}
					>
						<option>minutes</option>
						<option>hours</option>
						<option>days</option>
					</select>
				</span>
			);
		case "wait_until":
			return (
				<span>
					{WEEKDAYS.map((d, i) => (
						<label key={d}>
							<input
								type="checkbox"
								checked={step.weekdays.includes(i + 1)}
								onChange={(e) =>
									onChange({
										...step,
										weekdays: e.target.checked ? [...step.weekdays, i + 1] : step.weekdays.filter((x) => x !== i + 1),
									})
								}
							/>
							{d}
						</label>
					))}{" "}
					<input
						aria-label="From"
						type="time"
						value={step.from}
						onChange={(e) => onChange({ ...step, from: e.target.value })}
					/>
					–
					<input
						aria-label="To"
						type="time"
						value={step.to}
						onChange={(e) => onChange({ ...step, to: e.target.value })}
					/>
				</span>
			);
		case "branch":
			return (
				<span>
					<select
						aria-label="Condition"
						value={step.if.test}
						onChange={(e) => {
							const test = e.target.value;
							onChange({
								...step,
								if:
									test === "matches"
										? { test, text: "grade in (A, B)" }
										: { test: test as "opened_last" | "clicked_last" | "replied" },
							});
						}}
					>
						<option value="opened_last">opened the last e-mail</option>
						<option value="clicked_last">clicked the last e-mail</option>
						<option value="replied">replied</option>
						<option value="matches">matches a condition</option>
					</select>
					{step.if.test === "matches" && (
						<input
							aria-label="Condition text"
							className="code"
							value={step.if.text}
							onChange={(e) => onChange({ ...step, if: { test: "matches", text: e.target.value } })}
						/>
					)}
					{(["yes", "no"] as const).map((side) => (
						<label key={side}>
							{" "}
							{side} →{" "}
							<select value={step[side]} onChange={(e) => onChange({ ...step, [side]: e.target.value })}>
								{targets
									.filter((x) => x !== step.id)
									.map((x) => (
										<option key={x}>{x}</option>
									))}
							</select>
						</label>
					))}
				</span>
			);
		case "update_traits":
			return (
				<input
					aria-label="Traits (JSON)"
					className="code"
					defaultValue={JSON.stringify(step.traits)}
					onBlur={(e) => {
						try {
							onChange({ ...step, traits: JSON.parse(e.target.value) });
						} catch {
							e.target.setCustomValidity('traits as JSON, such as {"nurtured": true}');
						}
					}}
				/>
			);
		case "notify_owner":
			return (
				<input
					aria-label="Message"
					value={step.message}
					onChange={(e) => onChange({ ...step, message: e.target.value })}
				/>
			);
		case "move_to":
			return (
				<select
					aria-label="Sequence"
					value={step.sequence}
					onChange={(e) => onChange({ ...step, sequence: e.target.value })}
				>
					<option value="">choose a sequence</option>
					{sequences.map((s) => (
						<option key={s.id} value={s.id}>
							{s.name}
						</option>
					))}
				</select>
			);
		case "exit":
			return null;
	}
}

const pct = (n: number | null) => (n === null ? "—" : `${(n * 100).toFixed(1)}%`);

const COLUMNS = [
	["sent", "Sent"],
	["delivered", "Delivered"],
	["opened", "Opened"],
	["openedByMachine", "by machines", "Opened by machines"],
	["clicked", "Clicked"],
	["clickedByMachine", "by machines", "Clicked by machines"],
	["replied", "Replied"],
	["unsubscribed", "Unsubscribed"],
	["bounced", "Bounced"],
	["complained", "Complaints"],
	["suppressed", "Suppressed"],
] as const;

function Results({ results }: { results: SequenceResults }) {
	const rows = [...results.steps, results.total];
	return (
		<section aria-labelledby="results-title">
			<h2 id="results-title">Results</h2>
			<table className="queue results">
				<thead>
					<tr>
						<th scope="col">Step</th>
						{COLUMNS.map(([key, label]) => (
							<th key={key} scope="col" className="num">
								{label}
							</th>
						))}
					</tr>
				</thead>
				<tbody>
					{rows.map((r) => (
						<tr key={r.step} data-step={r.step}>
							<td data-label="Step">{r.step === "all" ? "All e-mails" : r.step}</td>
							{COLUMNS.map((column) => (
								<td key={column[0]} className="num" data-label={column[2] ?? column[1]}>
									{r[column[0]].toLocaleString()}
								</td>
							))}
						</tr>
					))}
				</tbody>
			</table>
			<table className="queue results">
				<caption>Reached within {results.days} days of entering</caption>
				<thead>
					<tr>
						<th scope="col">Group</th>
						<th scope="col" className="num">
							Leads
						</th>
						<th scope="col" className="num">
							MQL
						</th>
						<th scope="col" className="num">
							SQL
						</th>
					</tr>
				</thead>
				<tbody>
					{(
						[
							["Sent the sequence", results.treated],
							["Held out", results.holdout],
						] as const
					).map(([label, g]) => (
						<tr key={label} data-group={label}>
							<td data-label="Group">{label}</td>
							<td className="num" data-label="Leads">
								{g.leads.toLocaleString()}
							</td>
							<td className="num" data-label="MQL">
								{g.mql.toLocaleString()} ({pct(g.mqlRate)})
							</td>
							<td className="num" data-label="SQL">
								{g.sql.toLocaleString()} ({pct(g.sqlRate)})
							</td>
						</tr>
					))}
				</tbody>
			</table>
		</section>
	);
}
