import { Link } from "../nav";
import { ApiKeys } from "./ApiKeys";
import { Teams } from "./Teams";
import { Users } from "./Users";
import { Webhooks } from "./Webhooks";

const TABS: Array<[string, string]> = [
	["/settings/users", "Users"],
	["/settings/api-keys", "API keys"],
	["/settings/teams", "Teams, routing and SLAs"],
	["/settings/webhooks", "Webhooks"],
];

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
