import { useState } from "react";
import type { User } from "../api";
import { request } from "../api";
import { ErrorNote, SettingsForm, useList } from "../forms";
import { Link } from "../nav";

/** Every segment and list: how many leads each holds now, its condition, and a way to make more. */
export function Segments({ user }: { user: User }) {
	const { rows, reload, error } = useList("GET /v1/segments");
	const [listName, setListName] = useState("");
	const writes = user.role !== "sales";
	return (
		<section aria-labelledby="segments-title">
			<div className="title-row">
				<h1 id="segments-title">Segments</h1>
				{writes && <Link to="/segments/new">New segment…</Link>}
			</div>
			<p className="hint">
				A segment keeps itself current as leads change; a list is kept by hand (from a CSV, or from the lead list).
			</p>
			<ErrorNote text={error} />
			<table className="queue segments">
				<thead>
					<tr>
						<th scope="col">Name</th>
						<th scope="col">Kind</th>
						<th scope="col" className="num">
							Leads now
						</th>
						<th scope="col">Condition</th>
					</tr>
				</thead>
				<tbody>
					{rows.map((s) => (
						<tr key={s.id} data-segment={s.name}>
							<td>
								<Link to={`/segments/${s.id}`}>{s.name}</Link>
							</td>
							<td>{s.kind === "dynamic" ? "segment" : "list"}</td>
							<td className="num">
								<Link
									to={`/leads?segment=${s.id}`}
									className="count"
									data-count={s.members}
									aria-label={`${s.members} leads in ${s.name}: show them`}
								>
									{s.members.toLocaleString()}
								</Link>
							</td>
							<td>
								<code className="segment-text">{s.text ?? "—"}</code>
							</td>
						</tr>
					))}
				</tbody>
			</table>
			{rows.length === 0 && !error && <p className="empty">No segments yet.</p>}
			{writes && (
				<SettingsForm
					label="Make a list"
					submit="Make list"
					done="List made."
					onSubmit={async () => {
						await request("POST /v1/segments", { body: { name: listName, kind: "static" } });
						setListName("");
						await reload();
					}}
				>
					<label>
						New list{" "}
						<input
							required
							maxLength={120}
							value={listName}
							onChange={(e) => setListName(e.target.value)}
							placeholder="e.g. Event guests"
						/>
					</label>
				</SettingsForm>
			)}
		</section>
	);
}
