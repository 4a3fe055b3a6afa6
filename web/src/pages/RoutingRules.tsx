import { useState } from "react";
import type { Owner, RoutingRule, RoutingRuleInput, Team } from "../../../src/schemas/handoff";
import type { Condition } from "../../../src/schemas/scoring-model";
import { request } from "../api";
import { OutcomeNote, SettingsForm, useList, useOutcome } from "../forms";
import { ConditionEditor } from "./ConditionEditor";

/** What a routing condition usually reads: territory, industry, size, named accounts. */
export const LEAD_FIELDS = [
	"country",
	"region",
	"city",
	"industry",
	"companySize",
	"company",
	"emailDomain",
	"title",
	"seniority",
];

const inputOf = ({ id: _, ...rule }: RoutingRule): RoutingRuleInput => rule;

function RuleForm({
	initial,
	teams,
	owners,
	submit,
	done,
	onSave,
}: {
	initial: RoutingRuleInput;
	teams: Team[];
	owners: Owner[];
	submit: string;
	done: string;
	onSave: (rule: RoutingRuleInput) => Promise<void>;
}) {
	const [rule, setRule] = useState(initial);
	return (
		<SettingsForm label={submit} submit={submit} done={done} onSubmit={() => onSave(rule)}>
			<label>
				Name <input required value={rule.name} onChange={(e) => setRule({ ...rule, name: e.target.value })} />
			</label>
			<div className="wide">
				<span className="label">When the lead matches</span>
				<ConditionEditor
					value={rule.condition}
					fields={LEAD_FIELDS}
					onChange={(condition: Condition) => setRule({ ...rule, condition })}
				/>
			</div>
			<label>
				Team{" "}
				<select value={rule.teamId} onChange={(e) => setRule({ ...rule, teamId: e.target.value, ownerId: null })}>
					{teams.map((t) => (
						<option key={t.id} value={t.id}>
							{t.name}
						</option>
					))}
				</select>
			</label>
			<label>
				Always to{" "}
				<select value={rule.ownerId ?? ""} onChange={(e) => setRule({ ...rule, ownerId: e.target.value || null })}>
					<option value="">whoever is next in the team</option>
					{owners
						.filter((o) => o.teamId === rule.teamId)
						.map((o) => (
							<option key={o.id} value={o.id}>
								{o.name}
							</option>
						))}
				</select>
			</label>
		</SettingsForm>
	);
}

/** Routing rules in the order they are tried: edited with the condition builder, reordered, switched off. */
export function RoutingRules({ teams, owners }: { teams: Team[]; owners: Owner[] }) {
	const rules = useList("GET /v1/routing-rules");
	const [editing, setEditing] = useState<string | null>(null);
	const { outcome, run } = useOutcome();
	const teamName = (id: string) => teams.find((t) => t.id === id)?.name ?? "—";
	const put = (rule: RoutingRule, patch: Partial<RoutingRuleInput>) =>
		request("PUT /v1/routing-rules/:id", { params: { id: rule.id }, body: { ...inputOf(rule), ...patch } });
	async function move(i: number, by: -1 | 1) {
		const list = rules.rows;
		const a = list[i];
		const b = list[i + by];
		if (!a || !b) return;
		// Positions are renumbered in the new order, so equal positions cannot tie.
		const order = list.map((r) => r.id);
		order.splice(i, 1);
		order.splice(i + by, 0, a.id);
		await run(
			() => Promise.all(list.map((r) => put(r, { position: order.indexOf(r.id) }))),
			`Moved “${a.name}” ${by < 0 ? "up" : "down"}.`,
		);
		await rules.reload();
	}
	return (
		<section aria-labelledby="routing-title">
			<h3 id="routing-title">Routing rules, tried in order</h3>
			<OutcomeNote outcome={outcome} />
			<ol className="routing">
				{rules.rows.map((r, i) => (
					<li key={r.id} data-rule={r.name} className={r.enabled ? "" : "off"}>
						{editing === r.id ? (
							<RuleForm
								initial={inputOf(r)}
								teams={teams}
								owners={owners}
								submit="Save rule"
								done={`Saved “${r.name}”.`}
								onSave={async (rule) => {
									await request("PUT /v1/routing-rules/:id", { params: { id: r.id }, body: rule });
									setEditing(null);
									await rules.reload();
								}}
							/>
						) : (
							<>
								<strong>{r.name}</strong> → {teamName(r.teamId)}
								{r.ownerId ? ` (always ${owners.find((o) => o.id === r.ownerId)?.name ?? "one owner"})` : ""}
								<ConditionEditor value={r.condition} fields={LEAD_FIELDS} readOnly onChange={() => {}} />
							</>
						)}
						<div className="actions">
							<button
								type="button"
								className="quiet small"
								disabled={i === 0}
								onClick={() => move(i, -1)}
								aria-label={`Move ${r.name} up`}
							>
								↑
							</button>
							<button
								type="button"
								className="quiet small"
								disabled={i === rules.rows.length - 1}
								onClick={() => move(i, 1)}
								aria-label={`Move ${r.name} down`}
							>
								↓
							</button>
							<button type="button" className="quiet small" onClick={() => setEditing(editing === r.id ? null : r.id)}>
								{editing === r.id ? "Cancel" : "Edit"}
							</button>
							<label className="small">
								<input
									type="checkbox"
									checked={r.enabled}
									onChange={async (e) => {
										await run(
											() => put(r, { enabled: e.target.checked }),
											`“${r.name}” is ${e.target.checked ? "on" : "off"}.`,
										);
										await rules.reload();
									}}
								/>{" "}
								on
							</label>
							<button
								type="button"
								className="quiet small"
								onClick={async () => {
									if (!window.confirm(`Delete the rule “${r.name}”?`)) return;
									await run(
										() => request("DELETE /v1/routing-rules/:id", { params: { id: r.id } }),
										`Deleted “${r.name}”.`,
									);
									await rules.reload();
								}}
							>
								Delete
							</button>
						</div>
					</li>
				))}
			</ol>
			{rules.rows.length === 0 && <p className="sub">No rules: every MQL goes round-robin to the first team.</p>}
			{teams[0] && (
				<RuleForm
					key={rules.rows.length}
					initial={{
						name: "",
						position: rules.rows.length,
						condition: { field: "country", op: "in", value: ["Germany", "Austria"] },
						teamId: teams[0].id,
						ownerId: null,
						enabled: true,
					}}
					teams={teams}
					owners={owners}
					submit="Add rule"
					done="Rule added."
					onSave={async (rule) => {
						await request("POST /v1/routing-rules", { body: { ...rule, position: rules.rows.length } });
						await rules.reload();
					}}
				/>
			)}
		</section>
	);
}
