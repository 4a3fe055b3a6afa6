import { useState } from "react";
import type { ApiKey } from "../../../src/schemas/api-keys";
import { request } from "../api";
import { OutcomeNote, SettingsForm, useList, useOutcome } from "../forms";

/** API keys: listed without their secrets, created (shown once) and revoked. */
export function ApiKeys() {
	const { rows: keys, reload, error } = useList("GET /v1/api-keys");
	const [name, setName] = useState("");
	const [kind, setKind] = useState<ApiKey["kind"]>("write");
	const [origins, setOrigins] = useState("");
	const [created, setCreated] = useState<string | null>(null);
	const revoked = useOutcome();
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
				done="Key created: copy it now, it is shown this once."
				onSubmit={async () => {
					const sites = origins
						.split(/[\s,]+/)
						.map((o) => o.trim())
						.filter(Boolean);
					const key = await request("POST /v1/api-keys", {
						body: { name, kind, ...(kind === "write" && sites.length > 0 ? { origins: sites } : {}) },
					});
					setCreated(key.key);
					setName("");
					setOrigins("");
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
				{kind === "write" && (
					<label>
						Only from sites{" "}
						<input
							value={origins}
							onChange={(e) => setOrigins(e.target.value)}
							placeholder="https://www.acme.com (any, if empty)"
						/>
					</label>
				)}
			</SettingsForm>
			{created && (
				<p className="secret">
					Copy it now, it is not shown again: <output>{created}</output>
				</p>
			)}
			<OutcomeNote outcome={revoked.outcome} />
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
							<td>
								{k.kind}
								{k.origins ? <div className="hint">from {k.origins.join(", ")}</div> : null}
							</td>
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
											await revoked.run(
												() => request("DELETE /v1/api-keys/:id", { params: { id: k.id } }),
												`Revoked "${k.name}".`,
											);
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
