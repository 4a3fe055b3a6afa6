import { useEffect, useState } from "react";
import type { Owner } from "../../../src/schemas/handoff";
import type { Role, UserPatch } from "../../../src/schemas/users";
import { request, type User } from "../api";
import { ErrorNote, OutcomeNote, PasswordField, SettingsForm, useList, useOutcome } from "../forms";

const ROLE_WORDS: Record<Role, string> = { admin: "admin", marketing: "marketing", sales: "sales" };

/** An admin sets a new password for someone who forgot theirs. */
function ResetPassword({ user, onDone }: { user: User; onDone: (text: string) => void }) {
	const [open, setOpen] = useState(false);
	const [password, setPassword] = useState("");
	if (!open)
		return (
			<button type="button" className="quiet small" onClick={() => setOpen(true)}>
				Reset password…
			</button>
		);
	return (
		<SettingsForm
			label={`New password for ${user.name}`}
			submit="Set password"
			done={`${user.name} has a new password; their sessions have ended.`}
			onSubmit={async () => {
				await request("PUT /v1/users/:id/password", { params: { id: user.id }, body: { password } });
				setOpen(false);
				setPassword("");
				onDone(`${user.name} has a new password; their sessions have ended.`);
			}}
		>
			<PasswordField label="New password" value={password} onChange={setPassword} />
		</SettingsForm>
	);
}

/** People who sign in: their roles, the sales owner each rep is, adding, resetting and disabling them. */
export function Users() {
	const { rows: users, reload, error } = useList("GET /v1/users");
	const [owners, setOwners] = useState<Owner[]>([]);
	const [email, setEmail] = useState("");
	const [name, setName] = useState("");
	const [role, setRole] = useState<Role>("sales");
	const [ownerId, setOwnerId] = useState("");
	const [password, setPassword] = useState("");
	const { outcome, run, say } = useOutcome();
	useEffect(() => {
		request("GET /v1/owners").then(
			(r) => setOwners(r.data),
			() => setOwners([]),
		);
	}, []);
	async function change(user: User, patch: UserPatch, done: string) {
		await run(() => request("PATCH /v1/users/:id", { params: { id: user.id }, body: patch }), done);
		await reload();
	}
	async function disable(user: User) {
		if (!window.confirm(`Disable ${user.name}? They are signed out and cannot sign in again.`)) return;
		await run(
			() => request("DELETE /v1/users/:id", { params: { id: user.id } }),
			`${user.name} can no longer sign in.`,
		);
		await reload();
	}
	const ownerName = (id: string | null) => owners.find((o) => o.id === id)?.name ?? "—";
	return (
		<section aria-labelledby="users-title">
			<h2 id="users-title">Users</h2>
			<p className="hint">
				Admins manage everything; marketing edits models and reads everything; sales works the queue. A sales user
				linked to a sales owner is a rep and sees only their own queue; one with no owner is a manager and sees
				everyone's. The API enforces all of this.
			</p>
			<ErrorNote text={error} />
			<OutcomeNote outcome={outcome} />
			<div className="scroll">
				<table className="queue">
					<thead>
						<tr>
							<th scope="col">Name</th>
							<th scope="col">E-mail</th>
							<th scope="col">Role</th>
							<th scope="col">Sales owner</th>
							<th scope="col">Actions</th>
						</tr>
					</thead>
					<tbody>
						{users.map((u) => (
							<tr key={u.id} data-user={u.email}>
								<td data-label="Name">{u.name}</td>
								<td data-label="E-mail">{u.email}</td>
								<td data-label="Role">
									<select
										aria-label={`Role of ${u.name}`}
										value={u.role}
										onChange={(e) => change(u, { role: e.target.value as Role }, `${u.name} is now ${e.target.value}.`)}
									>
										{Object.entries(ROLE_WORDS).map(([value, label]) => (
											<option key={value} value={value}>
												{label}
											</option>
										))}
									</select>
								</td>
								<td data-label="Sales owner">
									<select
										aria-label={`Sales owner ${u.name} is`}
										value={u.ownerId ?? ""}
										onChange={(e) =>
											change(
												u,
												{ ownerId: e.target.value || null },
												e.target.value
													? `${u.name} now works ${ownerName(e.target.value)}'s queue.`
													: `${u.name} is no sales owner now.`,
											)
										}
									>
										<option value="">none{u.role === "sales" ? " (a manager: sees every queue)" : ""}</option>
										{owners.map((o) => (
											<option key={o.id} value={o.id}>
												{o.name} ({o.email})
											</option>
										))}
									</select>
								</td>
								<td data-label="Actions">
									<div className="actions">
										<ResetPassword user={u} onDone={say} />
										<button type="button" className="quiet small" onClick={() => disable(u)}>
											Disable
										</button>
									</div>
								</td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
			<h3>Add a user</h3>
			<SettingsForm
				label="Add a user"
				submit="Add user"
				done="User added: they can sign in now."
				onSubmit={async () => {
					await request("POST /v1/users", {
						body: { email, name, role, password, ownerId: role === "sales" && ownerId ? ownerId : null },
					});
					setEmail("");
					setName("");
					setPassword("");
					setOwnerId("");
					await reload();
				}}
			>
				<label>
					Name <input required value={name} onChange={(e) => setName(e.target.value)} />
				</label>
				<label>
					E-mail <input required type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
				</label>
				<label>
					Role{" "}
					<select value={role} onChange={(e) => setRole(e.target.value as Role)}>
						<option value="sales">sales</option>
						<option value="marketing">marketing</option>
						<option value="admin">admin</option>
					</select>
				</label>
				{role === "sales" && (
					<label>
						Sales owner{" "}
						<select value={ownerId} onChange={(e) => setOwnerId(e.target.value)}>
							<option value="">none (a manager)</option>
							{owners.map((o) => (
								<option key={o.id} value={o.id}>
									{o.name}
								</option>
							))}
						</select>
					</label>
				)}
				<PasswordField label="Password" value={password} onChange={setPassword} />
			</SettingsForm>
		</section>
	);
}
