import { useEffect, useState } from "react";
import type { AccountPage, AccountSettings } from "../../../src/schemas/accounts";
import { request, type User } from "../api";
import { ErrorNote, failure, OutcomeNote, useOutcome } from "../forms";
import { Link } from "../nav";

const ROLE_WORDS = { decision_maker: "decision makers", influencer: "influencers", user: "users" } as const;
const PAGE = 50;

/** Companies as buying groups: fit, engagement rolled up from their people, roles covered, MQA. */
export function Accounts({ user }: { user: User }) {
	const [q, setQ] = useState("");
	const [qualified, setQualified] = useState<"" | "true" | "false">("");
	const [sort, setSort] = useState("engagement");
	const [offset, setOffset] = useState(0);
	const [page, setPage] = useState<AccountPage | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [version, setVersion] = useState(0);
	useEffect(() => {
		void version;
		const timer = setTimeout(
			() =>
				request("GET /v1/accounts", {
					query: { q, sort, limit: String(PAGE), offset: String(offset), ...(qualified ? { qualified } : {}) },
				}).then(
					(p) => {
						setPage(p);
						setError(null);
					},
					(e) => setError(failure(e)),
				),
			q ? 250 : 0,
		);
		return () => clearTimeout(timer);
	}, [q, qualified, sort, offset, version]);
	return (
		<section aria-labelledby="accounts-title">
			<h1 id="accounts-title">Accounts</h1>
			<p className="hint">
				Companies known from group calls and work e-mail domains (free-mail never makes one). Engagement is the sum of
				their people's, each capped, so one enthusiast cannot carry a company.
			</p>
			<div className="filters">
				<label>
					Search{" "}
					<input
						type="search"
						value={q}
						placeholder="name or domain"
						onChange={(e) => {
							setQ(e.target.value);
							setOffset(0);
						}}
					/>
				</label>
				<label>
					MQA{" "}
					<select
						value={qualified}
						onChange={(e) => {
							setQualified(e.target.value as typeof qualified);
							setOffset(0);
						}}
					>
						<option value="">any</option>
						<option value="true">qualified</option>
						<option value="false">not yet</option>
					</select>
				</label>
				<label>
					Sort{" "}
					<select value={sort} onChange={(e) => setSort(e.target.value)}>
						<option value="engagement">Engagement</option>
						<option value="fit">Fit</option>
						<option value="members">People</option>
						<option value="name">Name</option>
					</select>
				</label>
			</div>
			<ErrorNote text={error} />
			<table className="queue accounts">
				<thead>
					<tr>
						<th scope="col">Company</th>
						<th scope="col" className="num">
							People
						</th>
						<th scope="col" className="num">
							Fit
						</th>
						<th scope="col" className="num">
							Engagement
						</th>
						<th scope="col">Buying group</th>
						<th scope="col">Owner</th>
						<th scope="col">MQA</th>
					</tr>
				</thead>
				<tbody>
					{page?.data.map((a) => (
						<tr key={a.id} data-account={a.domain ?? a.groupId ?? ""}>
							<td data-label="Company">
								<Link to={`/accounts/${a.id}`}>{a.name ?? a.domain ?? a.groupId}</Link>
								<div className="sub">{a.domain ?? a.groupId}</div>
							</td>
							<td data-label="People" className="num">
								{a.members}
							</td>
							<td data-label="Fit" className="num">
								{Math.round(a.fit)}
							</td>
							<td data-label="Engagement" className="num">
								{Math.round(a.engagement * 10) / 10}
							</td>
							<td data-label="Buying group">
								{(Object.keys(ROLE_WORDS) as Array<keyof typeof ROLE_WORDS>)
									.filter((r) => a.roles[r] > 0)
									.map((r) => `${a.roles[r]} ${ROLE_WORDS[r]}`)
									.join(", ") || "—"}
							</td>
							<td data-label="Owner">
								{a.ownerName ?? "—"}
								{a.named ? " (named)" : ""}
							</td>
							<td data-label="MQA">{a.qualifiedAt ? new Date(a.qualifiedAt).toLocaleDateString() : "—"}</td>
						</tr>
					))}
				</tbody>
			</table>
			{page && page.data.length === 0 && <p className="empty">No company matches.</p>}
			{page && page.total > 0 && (
				<p className="sub" data-total={page.total}>
					{offset + 1}–{offset + page.data.length} of {page.total.toLocaleString()}.{" "}
					{offset > 0 && (
						<button type="button" className="link" onClick={() => setOffset(Math.max(0, offset - PAGE))}>
							Previous
						</button>
					)}{" "}
					{offset + PAGE < page.total && (
						<button type="button" className="link" onClick={() => setOffset(offset + PAGE)}>
							Next
						</button>
					)}
				</p>
			)}
			{user.role !== "sales" && <AccountModelForm onSaved={() => setVersion((v) => v + 1)} />}
		</section>
	);
}

/** The account model: fit rules on company traits, the cap per person, the MQA thresholds. */
function AccountModelForm({ onSaved }: { onSaved: () => void }) {
	const [settings, setSettings] = useState<AccountSettings | null>(null);
	const { outcome, run } = useOutcome();
	useEffect(() => {
		request("GET /v1/accounts/settings").then(setSettings, () => setSettings(null));
	}, []);
	if (!settings) return null;
	const set = (next: Partial<AccountSettings>) => setSettings({ ...settings, ...next });
	const setRule = (i: number, rule: AccountSettings["fitRules"][number] | null) =>
		set({
			fitRules:
				rule === null
					? settings.fitRules.filter((_, j) => j !== i)
					: settings.fitRules.map((r, j) => (j === i ? rule : r)),
		});
	const number = (label: string, value: number, change: (n: number) => void, step = 1) => (
		<label>
			{label} <input type="number" step={step} value={value} onChange={(e) => change(Number(e.target.value))} />
		</label>
	);
	return (
		<details className="account-model">
			<summary>Account model: fit rules and when a company qualifies</summary>
			<form
				aria-label="Account model"
				onSubmit={(e) => {
					e.preventDefault();
					run(async () => {
						setSettings(await request("PUT /v1/accounts/settings", { body: settings }));
						onSaved();
					}, "Saved: every company was recomputed under it.");
				}}
			>
				<h2>Fit rules</h2>
				<p className="hint">
					Conditions on the company's traits, in the segment language (for example industry = "Software").
				</p>
				<ul className="segment-conditions">
					{settings.fitRules.map((rule, i) => (
						// biome-ignore lint/suspicious/noArrayIndexKey: a rule has no identity but its place
						<li key={i} className="condition">
							<input
								aria-label={`Rule ${i + 1}: name`}
								value={rule.label}
								size={18}
								onChange={(e) => setRule(i, { ...rule, label: e.target.value })}
							/>
							<input
								aria-label={`Rule ${i + 1}: condition`}
								value={rule.when}
								size={40}
								spellCheck={false}
								onChange={(e) => setRule(i, { ...rule, when: e.target.value })}
							/>
							<input
								aria-label={`Rule ${i + 1}: points`}
								type="number"
								value={rule.points}
								onChange={(e) => setRule(i, { ...rule, points: Number(e.target.value) })}
							/>
							<button
								type="button"
								className="quiet small"
								aria-label={`Remove rule ${i + 1}`}
								onClick={() => setRule(i, null)}
							>
								×
							</button>
						</li>
					))}
				</ul>
				<button
					type="button"
					className="quiet small"
					onClick={() =>
						set({ fitRules: [...settings.fitRules, { label: "New rule", when: 'industry = "Software"', points: 10 }] })
					}
				>
					+ rule
				</button>
				<h2>Engagement and MQA</h2>
				<div className="rule-form">
					{number("Most one person adds", settings.personCap, (n) => set({ personCap: n }))}
					{number("MQA from fit", settings.mqa.fit, (n) => set({ mqa: { ...settings.mqa, fit: n } }))}
					{number("and engagement", settings.mqa.engagement, (n) => set({ mqa: { ...settings.mqa, engagement: n } }))}
					{number("from at least this many people", settings.mqa.people, (n) =>
						set({ mqa: { ...settings.mqa, people: n } }),
					)}
					<label className="check">
						<input
							type="checkbox"
							checked={settings.mqa.decisionMaker}
							onChange={(e) => set({ mqa: { ...settings.mqa, decisionMaker: e.target.checked } })}
						/>{" "}
						a decision maker among them
					</label>
				</div>
				<button type="submit">Save the account model</button>
				<OutcomeNote outcome={outcome} />
			</form>
		</details>
	);
}
