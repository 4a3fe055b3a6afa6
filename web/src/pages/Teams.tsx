import { useState } from "react";
import type { Owner, OwnerInput, Team, TeamInput } from "../../../src/schemas/handoff";
import type { User } from "../../../src/schemas/users";
import { request } from "../api";
import { ErrorNote, OutcomeNote, SettingsForm, useList, useOutcome } from "../forms";
import { RoutingRules } from "./RoutingRules";

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const ownerInput = ({ id: _, openHandoffs: __, ...input }: Owner): OwnerInput => input;

/** One person of a team: open handoffs, cap, away, and who signs in as them. */
function PersonRow({ owner, users, onChange }: { owner: Owner; users: User[]; onChange: () => Promise<void> }) {
	const { outcome, run } = useOutcome();
	const [cap, setCap] = useState(String(owner.maxOpen));
	const save = async (patch: Partial<OwnerInput>, done: string) => {
		await run(
			() => request("PUT /v1/owners/:id", { params: { id: owner.id }, body: { ...ownerInput(owner), ...patch } }),
			done,
		);
		await onChange();
	};
	return (
		<tr data-owner={owner.email}>
			<td data-label="Person">
				{owner.name} <span className="sub">{owner.email}</span>
				<OutcomeNote outcome={outcome} />
			</td>
			<td className="num" data-label="Open">
				{owner.openHandoffs}
			</td>
			<td className="num" data-label="Cap">
				<input
					type="number"
					min={0}
					aria-label={`Cap of ${owner.name}`}
					value={cap}
					size={4}
					onChange={(e) => setCap(e.target.value)}
					onBlur={() => {
						if (Number(cap) !== owner.maxOpen)
							save({ maxOpen: Number(cap) }, `${owner.name} takes at most ${cap} open MQLs.`);
					}}
				/>
			</td>
			<td data-label="Away">
				<input
					type="checkbox"
					aria-label={`${owner.name} is away`}
					checked={owner.away}
					onChange={(e) =>
						save({ away: e.target.checked }, e.target.checked ? `${owner.name} is away.` : `${owner.name} is back.`)
					}
				/>
			</td>
			<td data-label="Signs in as">
				<select
					aria-label={`Who signs in as ${owner.name}`}
					value={owner.userId ?? ""}
					onChange={(e) =>
						save(
							{ userId: e.target.value || null },
							e.target.value
								? `${owner.name}'s queue is now theirs when they sign in.`
								: `Nobody signs in as ${owner.name}.`,
						)
					}
				>
					<option value="">nobody</option>
					{users.map((u) => (
						<option key={u.id} value={u.id}>
							{u.name} ({u.email})
						</option>
					))}
				</select>
			</td>
		</tr>
	);
}

/** A team's name, SLA and business hours, its people, and deleting it. */
function TeamCard({
	team,
	teams,
	owners,
	users,
	onChange,
}: {
	team: Team;
	teams: Team[];
	owners: Owner[];
	users: User[];
	onChange: () => Promise<void>;
}) {
	const [draft, setDraft] = useState<TeamInput>(() => {
		const { id: _, ...input } = team;
		return input;
	});
	const set = <K extends keyof TeamInput>(key: K, value: TeamInput[K]) => setDraft((d) => ({ ...d, [key]: value }));
	const days = draft.businessDays ?? [];
	const [person, setPerson] = useState({ userId: "", name: "", email: "" });
	const [moveTo, setMoveTo] = useState("");
	const removal = useOutcome();
	const others = teams.filter((t) => t.id !== team.id);
	const open = owners.reduce((n, o) => n + o.openHandoffs, 0);
	async function remove() {
		const target = others.find((t) => t.id === moveTo);
		const what = target
			? `Its ${owners.length} people and ${open} open handoffs (and its past handoffs and routing rules) move to ${target.name}.`
			: "It has no people.";
		if (!window.confirm(`Delete ${team.name}? ${what}`)) return;
		await removal.run(async () => {
			const result = await request("DELETE /v1/teams/:id", {
				params: { id: team.id },
				query: target ? { moveTo: target.id } : {},
			});
			await onChange();
			return result;
		}, `Deleted ${team.name}.`);
	}
	return (
		<article className="card team" data-team={team.name} aria-labelledby={`team-${team.id}`}>
			<h3 id={`team-${team.id}`}>{team.name}</h3>
			<SettingsForm
				label={`Settings of ${team.name}`}
				submit="Save team"
				done={`Saved ${draft.name}.`}
				onSubmit={async () => {
					await request("PUT /v1/teams/:id", { params: { id: team.id }, body: draft });
					await onChange();
				}}
			>
				<label>
					Name <input required value={draft.name} onChange={(e) => set("name", e.target.value)} />
				</label>
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
					<legend>Business days (at least one)</legend>
					{DAYS.map((day, i) => (
						<label key={day}>
							<input
								type="checkbox"
								checked={days.includes(i + 1)}
								onChange={(e) =>
									set("businessDays", e.target.checked ? [...days, i + 1].sort() : days.filter((d) => d !== i + 1))
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
			<div className="scroll">
				<table className="compact">
					<caption>People in {team.name}</caption>
					<thead>
						<tr>
							<th scope="col">Person</th>
							<th scope="col" className="num">
								Open
							</th>
							<th scope="col" className="num">
								Cap
							</th>
							<th scope="col">Away</th>
							<th scope="col">Signs in as</th>
						</tr>
					</thead>
					<tbody>
						{owners.map((o) => (
							<PersonRow key={o.id} owner={o} users={users} onChange={onChange} />
						))}
					</tbody>
				</table>
			</div>
			<SettingsForm
				label={`Add a person to ${team.name}`}
				submit="Add person"
				done="Added: they take MQLs in turn from now on."
				onSubmit={async () => {
					await request("POST /v1/owners", {
						body: { name: person.name, email: person.email, teamId: team.id, userId: person.userId || null },
					});
					setPerson({ userId: "", name: "", email: "" });
					await onChange();
				}}
			>
				<label>
					User{" "}
					<select
						value={person.userId}
						onChange={(e) => {
							const user = users.find((u) => u.id === e.target.value);
							setPerson(user ? { userId: user.id, name: user.name, email: user.email } : { ...person, userId: "" });
						}}
					>
						<option value="">someone who does not sign in</option>
						{users
							.filter((u) => !u.ownerId)
							.map((u) => (
								<option key={u.id} value={u.id}>
									{u.name} ({u.role})
								</option>
							))}
					</select>
				</label>
				<label>
					Name <input required value={person.name} onChange={(e) => setPerson({ ...person, name: e.target.value })} />
				</label>
				<label>
					E-mail{" "}
					<input
						required
						type="email"
						value={person.email}
						onChange={(e) => setPerson({ ...person, email: e.target.value })}
					/>
				</label>
			</SettingsForm>
			<div className="danger">
				{(owners.length > 0 || open > 0) && others.length > 0 && (
					<label>
						Move its people and handoffs to{" "}
						<select value={moveTo} onChange={(e) => setMoveTo(e.target.value)}>
							<option value="">choose a team…</option>
							{others.map((t) => (
								<option key={t.id} value={t.id}>
									{t.name}
								</option>
							))}
						</select>
					</label>
				)}{" "}
				<button
					type="button"
					className="quiet small"
					disabled={owners.length > 0 && !moveTo}
					onClick={remove}
					title={owners.length > 0 && !moveTo ? "Choose where its people and handoffs go first" : undefined}
				>
					Delete team…
				</button>
				<OutcomeNote outcome={removal.outcome} />
			</div>
		</article>
	);
}

/** Sales teams with their SLAs and people, and the routing rules that pick a team for each MQL. */
export function Teams() {
	const teams = useList("GET /v1/teams");
	const owners = useList("GET /v1/owners");
	const users = useList("GET /v1/users");
	const [teamName, setTeamName] = useState("");
	const reload = async () => {
		await Promise.all([teams.reload(), owners.reload(), users.reload()]);
	};
	return (
		<section aria-labelledby="teams-title">
			<h2 id="teams-title">Teams, routing and SLAs</h2>
			<p className="hint">
				Each MQL goes to the first routing rule that matches, then round-robin inside the team to whoever waited
				longest, skipping people who are away or at their cap.
			</p>
			<ErrorNote text={teams.error} />
			<div className="cards teams">
				{teams.rows.map((t) => (
					<TeamCard
						key={`${t.id}-${t.name}`}
						team={t}
						teams={teams.rows}
						owners={owners.rows.filter((o) => o.teamId === t.id)}
						users={users.rows}
						onChange={reload}
					/>
				))}
			</div>
			<SettingsForm
				label="Add a team"
				submit="Add team"
				done="Team added."
				onSubmit={async () => {
					await request("POST /v1/teams", {
						body: { name: teamName, timezone: Intl.DateTimeFormat().resolvedOptions().timeZone },
					});
					setTeamName("");
					await reload();
				}}
			>
				<label>
					New team <input required value={teamName} onChange={(e) => setTeamName(e.target.value)} />
				</label>
			</SettingsForm>
			<RoutingRules teams={teams.rows} owners={owners.rows} />
		</section>
	);
}
