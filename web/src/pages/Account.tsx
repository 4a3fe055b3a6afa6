import { useState } from "react";
import { request, type User } from "../api";
import { PasswordField, SettingsForm } from "../forms";

/** The signed-in person: who they are, and changing their own password. */
export function Account({ user }: { user: User }) {
	const [currentPassword, setCurrent] = useState("");
	const [newPassword, setNew] = useState("");
	return (
		<section aria-labelledby="account-title">
			<h1 id="account-title">Your account</h1>
			<p className="sub">
				{user.name} · {user.email} · {user.role}
				{user.role === "sales" && (user.ownerId ? " · your queue is your own" : " · you see every rep's queue")}
			</p>
			<h2>Change your password</h2>
			<SettingsForm
				label="Change your password"
				submit="Change password"
				done="Password changed. Your other sessions have ended; this one goes on."
				onSubmit={async () => {
					await request("PUT /v1/session/password", { body: { currentPassword, newPassword } });
					setCurrent("");
					setNew("");
				}}
			>
				<PasswordField current label="Current password" value={currentPassword} onChange={setCurrent} />
				<PasswordField label="New password (10 characters or more)" value={newPassword} onChange={setNew} />
			</SettingsForm>
		</section>
	);
}
