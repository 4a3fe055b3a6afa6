import { type FormEvent, useEffect, useState } from "react";
import { ApiError, currentSession, type Session, signIn, signOut } from "./api";
import { LeadDetail } from "./pages/LeadDetail";
import { Leads } from "./pages/Leads";
import { Queue } from "./pages/Queue";
import { Scoring } from "./pages/Scoring";
import { Webhooks } from "./pages/Webhooks";

function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
	const [email, setEmail] = useState("");
	const [password, setPassword] = useState("");
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	async function submit(event: FormEvent) {
		event.preventDefault();
		setBusy(true);
		setError(null);
		try {
			onSignedIn(await signIn(email, password));
		} catch (e) {
			setError(e instanceof ApiError ? e.message : "Qualify could not be reached.");
		} finally {
			setBusy(false);
		}
	}
	return (
		<main className="signin">
			<h1>Qualify</h1>
			<form onSubmit={submit} aria-label="Sign in">
				<label htmlFor="email">E-mail</label>
				<input
					id="email"
					type="email"
					autoComplete="username"
					required
					value={email}
					onChange={(e) => setEmail(e.target.value)}
				/>
				<label htmlFor="password">Password</label>
				<input
					id="password"
					type="password"
					autoComplete="current-password"
					required
					value={password}
					onChange={(e) => setPassword(e.target.value)}
				/>
				{error && (
					<p role="alert" className="error">
						{error}
					</p>
				)}
				<button type="submit" disabled={busy}>
					{busy ? "Signing in…" : "Sign in"}
				</button>
			</form>
		</main>
	);
}

/** The page path, kept in step with the browser's history. */
function usePath(): [string, (to: string) => void] {
	const [path, setPath] = useState(window.location.pathname);
	useEffect(() => {
		const onPop = () => setPath(window.location.pathname);
		window.addEventListener("popstate", onPop);
		return () => window.removeEventListener("popstate", onPop);
	}, []);
	const navigate = (to: string) => {
		window.history.pushState(null, "", to);
		setPath(to);
	};
	return [path, navigate];
}

export function App() {
	const [session, setSession] = useState<Session | null | undefined>(undefined);
	const [path, navigate] = usePath();
	useEffect(() => {
		currentSession().then(setSession, () => setSession(null));
	}, []);
	if (session === undefined) return <p className="loading">Loading…</p>;
	if (!session) return <SignIn onSignedIn={setSession} />;
	const leadId = /^\/leads\/([0-9a-f-]{36})$/.exec(path)?.[1];
	return (
		<div className="shell">
			<header>
				<strong>Qualify</strong>
				<nav aria-label="Main">
					<a
						href="/"
						onClick={(e) => {
							e.preventDefault();
							navigate("/");
						}}
					>
						Sales queue
					</a>
					<a
						href="/leads"
						onClick={(e) => {
							e.preventDefault();
							navigate("/leads");
						}}
					>
						Leads
					</a>
					<a
						href="/scoring"
						onClick={(e) => {
							e.preventDefault();
							navigate("/scoring");
						}}
					>
						Scoring
					</a>
					{session.user.role === "admin" && (
						<a
							href="/settings/webhooks"
							onClick={(e) => {
								e.preventDefault();
								navigate("/settings/webhooks");
							}}
						>
							Webhooks
						</a>
					)}
				</nav>
				<span className="who">
					{session.user.name} ({session.user.role})
				</span>
				<button type="button" onClick={() => signOut().then(() => setSession(null))}>
					Sign out
				</button>
			</header>
			<main>
				{leadId ? (
					<LeadDetail id={leadId} />
				) : path === "/scoring" ? (
					<Scoring />
				) : path === "/leads" ? (
					<Leads navigate={navigate} />
				) : path === "/settings/webhooks" ? (
					<Webhooks />
				) : (
					<Queue user={session.user} navigate={navigate} />
				)}
			</main>
		</div>
	);
}
