import { useState } from "react";
import { api, type User } from "../api";
import { failure, SettingsForm, useList } from "../forms";

/** People who sign in: their roles, adding and disabling them. */
export function Users() {
	const { rows: users, reload, error } = useList<User>("/v1/users");
	const [email, setEmail] = useState("");
	const [name, setName] = useState("");
	const [role, setRole] = useState<User["role"]>("sales");
	const [password, setPassword] = useState("");
	const [message, setMessage] = useState<string | null>(null);
	async function change(user: User, patch: Partial<User>) {
		setMessage(null);
		try {
			await api("PATCH", `/v1/users/${user.id}`, patch);
			setMessage(`${user.name} is now ${patch.role}.`);
		} catch (e) {
			setMessage(failure(e));
		}
		await reload();
	}
	async function disable(user: User) {
		if (!window.confirm(`Disable ${user.name}? They are signed out and cannot sign in again.`)) return;
		setMessage(null);
		try {
			await api("DELETE", `/v1/users/${user.id}`);
			setMessage(`${user.name} can no longer sign in.`);
		} catch (e) {
			setMessage(failure(e));
		}
		await reload();
	}
	return (
		<section aria-labelledby="users-title">
			<h2 id="users-title">Users</h2>
			<p className="hint">
				Admins manage everything; marketing edits models and webhooks; sales works the queue. The API enforces roles.
			</p>
			{error && <p role="alert">{error}</p>}
			{message && <output className="status">{message}</output>}
			<table className="queue">
				<thead>
					<tr>
						<th scope="col">Name</th>
						<th scope="col">E-mail</th>
						<th scope="col">Role</th>
						<th scope="col">Actions</th>
					</tr>
				</thead>
				<tbody>
					{users.map((u) => (
						<tr key={u.id} data-user={u.email}>
							<td>{u.name}</td>
							<td>{u.email}</td>
							<td>
								<select
									aria-label={`Role of ${u.name}`}
									value={u.role}
									onChange={(e) => change(u, { role: e.target.value as User["role"] })}
								>
									<option value="admin">admin</option>
									<option value="marketing">marketing</option>
									<option value="sales">sales</option>
								</select>
							</td>
							<td>
								<button type="button" className="quiet small" onClick={() => disable(u)}>
									Disable
								</button>
							</td>
						</tr>
					))}
				</tbody>
			</table>
			<h3>Add a user</h3>
			<SettingsForm
				label="Add a user"
				submit="Add user"
				onSubmit={async () => {
					await api("POST", "/v1/users", { email, name, role, password });
					setEmail("");
					setName("");
					setPassword("");
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
					<select value={role} onChange={(e) => setRole(e.target.value as User["role"])}>
						<option value="sales">sales</option>
						<option value="marketing">marketing</option>
						<option value="admin">admin</option>
					</select>
				</label>
				<label>
					Password{" "}
					<input
						required
						type="password"
						autoComplete="new-password"
						value={password}
						onChange={(e) => setPassword(e.target.value)}
					/>
				</label>
			</SettingsForm>
		</section>
	);
}
