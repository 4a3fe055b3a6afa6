import { useState } from "react";
import { api } from "../api";
import { failure, SettingsForm, useList } from "../forms";

interface Team {
	id: string;
	name: string;
	timezone: string;
	slaMinutes: number;
	businessDays: number[];
	businessStart: string;
	businessEnd: string;
	managerEmail: string | null;
	escalation: "notify" | "reassign";
}
interface Owner {
	id: string;
	name: string;
	email: string;
	teamId: string;
	timezone: string | null;
	away: boolean;
	maxOpen: number;
	active: boolean;
	openHandoffs: number;
}
interface Rule {
	id: string;
	name: string;
	position: number;
	condition: unknown;
	teamId: string;
	ownerId: string | null;
	enabled: boolean;
}

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
type TeamInput = Omit<Team, "id">;
const ownerInput = ({ id: _, openHandoffs: __, ...input }: Owner) => input;

/** A team's SLA and business hours, edited in place. */
function TeamCard({ team, owners, onChange }: { team: Team; owners: Owner[]; onChange: () => Promise<void> }) {
	const [draft, setDraft] = useState<TeamInput>(() => {
		const { id: _, ...input } = team;
		return input;
	});
	const [saved, setSaved] = useState<string | null>(null);
	const set = <K extends keyof TeamInput>(key: K, value: TeamInput[K]) => setDraft((d) => ({ ...d, [key]: value }));
	const [ownerName, setOwnerName] = useState("");
	const [ownerEmail, setOwnerEmail] = useState("");
	return (
		<article className="card team" data-team={team.name} aria-labelledby={`team-${team.id}`}>
			<h3 id={`team-${team.id}`}>{team.name}</h3>
			<SettingsForm
				label={`SLA of ${team.name}`}
				submit="Save team"
				onSubmit={async () => {
					await api("PUT", `/v1/teams/${team.id}`, draft);
					setSaved("Saved.");
					await onChange();
				}}
			>
				<label>
					First touch within{" "}
					<input
						type="number"
						min={1}
						value={draft.slaMinutes}
						onChange={(e) => set("slaMinutes", Number(e.target.value))}
						size={5}
					/>{" "}
					business minutes
				</label>
				<label>
					Time zone <input value={draft.timezone} onChange={(e) => set("timezone", e.target.value)} size={16} />
				</label>
				<label>
					Hours <input type="time" value={draft.businessStart} onChange={(e) => set("businessStart", e.target.value)} />
				</label>
				<label>
					to <input type="time" value={draft.businessEnd} onChange={(e) => set("businessEnd", e.target.value)} />
				</label>
				<fieldset className="days">
					<legend>Business days</legend>
					{DAYS.map((day, i) => (
						<label key={day}>
							<input
								type="checkbox"
								checked={draft.businessDays.includes(i + 1)}
								onChange={(e) =>
									set(
										"businessDays",
										e.target.checked
											? [...draft.businessDays, i + 1].sort()
											: draft.businessDays.filter((d) => d !== i + 1),
									)
								}
							/>
							{day}
						</label>
					))}
				</fieldset>
				<label>
					On a breach{" "}
					<select value={draft.escalation} onChange={(e) => set("escalation", e.target.value as Team["escalation"])}>
						<option value="notify">notify the manager</option>
						<option value="reassign">notify and reassign</option>
					</select>
				</label>
				<label>
					Manager e-mail{" "}
					<input
						type="email"
						value={draft.managerEmail ?? ""}
						onChange={(e) => set("managerEmail", e.target.value || null)}
					/>
				</label>
			</SettingsForm>
			{saved && <output className="status">{saved}</output>}
			<table className="compact">
				<caption>People in {team.name}</caption>
				<thead>
					<tr>
						<th scope="col">Owner</th>
						<th scope="col" className="num">
							Open
						</th>
						<th scope="col" className="num">
							Cap
						</th>
						<th scope="col">Away</th>
					</tr>
				</thead>
				<tbody>
					{owners.map((o) => (
						<tr key={o.id} data-owner={o.email}>
							<td>
								{o.name} <span className="sub">{o.email}</span>
							</td>
							<td className="num">{o.openHandoffs}</td>
							<td className="num">{o.maxOpen}</td>
							<td>
								<input
									type="checkbox"
									aria-label={`${o.name} is away`}
									checked={o.away}
									onChange={async (e) => {
										await api("PUT", `/v1/owners/${o.id}`, { ...ownerInput(o), away: e.target.checked });
										await onChange();
									}}
								/>
							</td>
						</tr>
					))}
				</tbody>
			</table>
			<SettingsForm
				label={`Add a person to ${team.name}`}
				submit="Add person"
				onSubmit={async () => {
					await api("POST", "/v1/owners", { name: ownerName, email: ownerEmail, teamId: team.id });
					setOwnerName("");
					setOwnerEmail("");
					await onChange();
				}}
			>
				<label>
					Name <input required value={ownerName} onChange={(e) => setOwnerName(e.target.value)} />
				</label>
				<label>
					E-mail <input required type="email" value={ownerEmail} onChange={(e) => setOwnerEmail(e.target.value)} />
				</label>
			</SettingsForm>
		</article>
	);
}

/** Sales teams with their SLAs and people, and the routing rules that pick a team for each MQL. */
export function Teams() {
	const teams = useList<Team>("/v1/teams");
	const owners = useList<Owner>("/v1/owners");
	const rules = useList<Rule>("/v1/routing-rules");
	const [teamName, setTeamName] = useState("");
	const [ruleName, setRuleName] = useState("");
	const [ruleTeam, setRuleTeam] = useState("");
	const [condition, setCondition] = useState('{ "field": "country", "op": "in", "value": ["Germany", "Austria"] }');
	const [error, setError] = useState<string | null>(null);
	const reload = async () => {
		await Promise.all([teams.reload(), owners.reload(), rules.reload()]);
	};
	const teamNameOf = (id: string) => teams.rows.find((t) => t.id === id)?.name ?? "—";
	return (
		<section aria-labelledby="teams-title">
			<h2 id="teams-title">Teams, routing and SLAs</h2>
			<p className="hint">
				Each MQL goes to the first routing rule that matches, then round-robin inside the team to whoever waited
				longest, skipping people who are away or at their cap.
			</p>
			{(teams.error || error) && <p role="alert">{teams.error ?? error}</p>}
			<div className="cards teams">
				{teams.rows.map((t) => (
					<TeamCard key={t.id} team={t} owners={owners.rows.filter((o) => o.teamId === t.id)} onChange={reload} />
				))}
			</div>
			<SettingsForm
				label="Add a team"
				submit="Add team"
				onSubmit={async () => {
					await api("POST", "/v1/teams", {
						name: teamName,
						timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
					});
					setTeamName("");
					await reload();
				}}
			>
				<label>
					New team <input required value={teamName} onChange={(e) => setTeamName(e.target.value)} />
				</label>
			</SettingsForm>

			<h3>Routing rules, tried in order</h3>
			<ol className="rules">
				{rules.rows.map((r) => (
					<li key={r.id} data-rule={r.name}>
						<strong>{r.name}</strong> → {teamNameOf(r.teamId)}
						{r.ownerId ? ` (always ${owners.rows.find((o) => o.id === r.ownerId)?.name ?? "one owner"})` : ""}{" "}
						<code>{JSON.stringify(r.condition)}</code>{" "}
						<button
							type="button"
							className="quiet small"
							onClick={async () => {
								await api("DELETE", `/v1/routing-rules/${r.id}`).catch((e) => setError(failure(e)));
								await reload();
							}}
						>
							Delete
						</button>
					</li>
				))}
			</ol>
			{rules.rows.length === 0 && <p className="sub">No rules: every MQL goes round-robin to the first team.</p>}
			<SettingsForm
				label="Add a routing rule"
				submit="Add rule"
				onSubmit={async () => {
					let parsed: unknown;
					try {
						parsed = JSON.parse(condition);
					} catch {
						throw new Error("The condition is not valid JSON.");
					}
					await api("POST", "/v1/routing-rules", {
						name: ruleName,
						position: rules.rows.length,
						condition: parsed,
						teamId: ruleTeam || teams.rows[0]?.id,
					});
					setRuleName("");
					await reload();
				}}
			>
				<label>
					Name <input required value={ruleName} onChange={(e) => setRuleName(e.target.value)} placeholder="DACH" />
				</label>
				<label>
					Team{" "}
					<select value={ruleTeam} onChange={(e) => setRuleTeam(e.target.value)}>
						{teams.rows.map((t) => (
							<option key={t.id} value={t.id}>
								{t.name}
							</option>
						))}
					</select>
				</label>
				<label className="wide">
					Condition (the scoring condition language){" "}
					<textarea value={condition} onChange={(e) => setCondition(e.target.value)} rows={2} spellCheck={false} />
				</label>
			</SettingsForm>
		</section>
	);
}
