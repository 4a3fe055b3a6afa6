import { type FormEvent, type ReactNode, useCallback, useEffect, useState } from "react";
import { ApiError, api, type User } from "../api";
import { Link } from "../nav";
import { Teams } from "./Teams";
import { Webhooks } from "./Webhooks";

const TABS: Array<[string, string]> = [
	["/settings/users", "Users"],
	["/settings/api-keys", "API keys"],
	["/settings/teams", "Teams, routing and SLAs"],
	["/settings/webhooks", "Webhooks"],
];

/** The message of a failed request, with each field's problem. */
export function failure(e: unknown): string {
	if (!(e instanceof ApiError)) return e instanceof Error ? e.message : "Qualify could not be reached.";
	const details = e.problems.map((p) => `${p.field}: ${p.message}`).join("; ");
	return details ? `${e.message} ${details}` : e.message;
}

/** Loads a list and reloads it after each change; errors are shown, not thrown. */
export function useList<T>(path: string): { rows: T[]; reload: () => Promise<void>; error: string | null } {
	const [rows, setRows] = useState<T[]>([]);
	const [error, setError] = useState<string | null>(null);
	const reload = useCallback(
		() =>
			api<{ data: T[] }>("GET", path).then(
				(r) => setRows(r.data),
				(e) => setError(failure(e)),
			),
		[path],
	);
	useEffect(() => {
		reload();
	}, [reload]);
	return { rows, reload, error };
}

/** A form that reports its own failure beside its fields. */
export function SettingsForm({
	label,
	onSubmit,
	children,
	submit,
}: {
	label: string;
	onSubmit: () => Promise<void>;
	children: ReactNode;
	submit: string;
}) {
	const [error, setError] = useState<string | null>(null);
	async function run(event: FormEvent) {
		event.preventDefault();
		setError(null);
		try {
			await onSubmit();
		} catch (e) {
			setError(failure(e));
		}
	}
	return (
		<form className="inline-form" aria-label={label} onSubmit={run}>
			{children}
			<button type="submit">{submit}</button>
			{error && (
				<p role="alert" className="error">
					{error}
				</p>
			)}
		</form>
	);
}

function Users() {
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

interface ApiKey {
	id: string;
	kind: "write" | "secret";
	name: string;
	prefix: string;
	createdAt: string;
	revokedAt: string | null;
}

function ApiKeys() {
	const { rows: keys, reload, error } = useList<ApiKey>("/v1/api-keys");
	const [name, setName] = useState("");
	const [kind, setKind] = useState<ApiKey["kind"]>("write");
	const [created, setCreated] = useState<string | null>(null);
	return (
		<section aria-labelledby="keys-title">
			<h2 id="keys-title">API keys</h2>
			<p className="hint">
				Write keys may only send events (give them to your website and tools); secret keys act as an admin. Qualify
				keeps only a hash: a key is shown once.
			</p>
			{error && <p role="alert">{error}</p>}
			<SettingsForm
				label="Create an API key"
				submit="Create key"
				onSubmit={async () => {
					const key = await api<{ key: string }>("POST", "/v1/api-keys", { name, kind });
					setCreated(key.key);
					setName("");
					await reload();
				}}
			>
				<label>
					Name <input required value={name} onChange={(e) => setName(e.target.value)} placeholder="website" />
				</label>
				<label>
					Kind{" "}
					<select value={kind} onChange={(e) => setKind(e.target.value as ApiKey["kind"])}>
						<option value="write">write (events only)</option>
						<option value="secret">secret (everything)</option>
					</select>
				</label>
			</SettingsForm>
			{created && (
				<p className="secret">
					Copy it now, it is not shown again: <output>{created}</output>
				</p>
			)}
			<table className="queue">
				<thead>
					<tr>
						<th scope="col">Name</th>
						<th scope="col">Kind</th>
						<th scope="col">Starts with</th>
						<th scope="col">Created</th>
						<th scope="col">State</th>
					</tr>
				</thead>
				<tbody>
					{keys.map((k) => (
						<tr key={k.id} data-key={k.name}>
							<td>{k.name}</td>
							<td>{k.kind}</td>
							<td>
								<code>{k.prefix}…</code>
							</td>
							<td>{new Date(k.createdAt).toLocaleString()}</td>
							<td>
								{k.revokedAt ? (
									`revoked ${new Date(k.revokedAt).toLocaleDateString()}`
								) : (
									<button
										type="button"
										className="quiet small"
										onClick={async () => {
											if (!window.confirm(`Revoke "${k.name}"? Whatever uses it stops working within 5 seconds.`))
												return;
											await api("DELETE", `/v1/api-keys/${k.id}`);
											await reload();
										}}
									>
										Revoke
									</button>
								)}
							</td>
						</tr>
					))}
				</tbody>
			</table>
		</section>
	);
}

/** Admin settings: users, API keys, teams with routing and SLAs, webhooks. */
export function Settings({ path }: { path: string }) {
	const tab = TABS.find(([to]) => path === to)?.[0] ?? "/settings/users";
	return (
		<section aria-labelledby="settings-title" className="settings">
			<h1 id="settings-title">Settings</h1>
			<nav aria-label="Settings" className="tabs">
				{TABS.map(([to, label]) => (
					<Link key={to} to={to} aria-current={tab === to ? "page" : undefined}>
						{label}
					</Link>
				))}
			</nav>
			{tab === "/settings/users" && <Users />}
			{tab === "/settings/api-keys" && <ApiKeys />}
			{tab === "/settings/teams" && <Teams />}
			{tab === "/settings/webhooks" && <Webhooks />}
		</section>
	);
}
