import { type FormEvent, useEffect, useState } from "react";
import {
	ApiError,
	currentSession,
	onSignedOut,
	request,
	type Session,
	setUp,
	signIn,
	signOut,
	UNREACHABLE,
	type User,
} from "./api";
import { ErrorNote } from "./forms";
import { Link, Navigate, useLocation } from "./nav";
import { Account } from "./pages/Account";
import { AccountPage } from "./pages/AccountPage";
import { Accounts } from "./pages/Accounts";
import { Backtest } from "./pages/Backtest";
import { CompareModels } from "./pages/CompareModels";
import { Dashboard } from "./pages/Dashboard";
import { DraftEditor } from "./pages/DraftEditor";
import { FormEditor } from "./pages/FormEditor";
import { Forms } from "./pages/Forms";
import { Import } from "./pages/Import";
import { LeadDetail } from "./pages/LeadDetail";
import { Leads } from "./pages/Leads";
import { Nurture } from "./pages/Nurture";
import { Queue } from "./pages/Queue";
import { Scoring } from "./pages/Scoring";
import { SegmentBuilder } from "./pages/SegmentBuilder";
import { SegmentPage } from "./pages/SegmentPage";
import { Segments } from "./pages/Segments";
import { SequenceEditor } from "./pages/SequenceEditor";
import { Settings } from "./pages/Settings";
import { Signals } from "./pages/Signals";
import { TemplateEditor } from "./pages/TemplateEditor";

function SignIn({ onSignedIn, ended }: { onSignedIn: (s: Session) => void; ended: boolean }) {
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
			setError(e instanceof ApiError ? e.message : UNREACHABLE);
		} finally {
			setBusy(false);
		}
	}
	return (
		<main className="signin">
			<h1>Qualify</h1>
			{ended && (
				<p role="alert" className="notice">
					Your session has ended. Sign in again to go back where you were.
				</p>
			)}
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
				<ErrorNote text={error} />
				<button type="submit" disabled={busy}>
					{busy ? "Signing in…" : "Sign in"}
				</button>
			</form>
		</main>
	);
}

/** First run: the first admin, created with the admin secret key `serve` printed. */
function SetUp({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
	const [fields, setFields] = useState({ key: "", name: "", email: "", password: "" });
	const [demo, setDemo] = useState(false);
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	const field = (name: keyof typeof fields, label: string, type = "text", autoComplete = "off") => (
		<>
			<label htmlFor={`setup-${name}`}>{label}</label>
			<input
				id={`setup-${name}`}
				type={type}
				required
				autoComplete={autoComplete}
				value={fields[name]}
				onChange={(e) => setFields((f) => ({ ...f, [name]: e.target.value }))}
			/>
		</>
	);
	async function submit(event: FormEvent) {
		event.preventDefault();
		setBusy(true);
		setError(null);
		try {
			const session = await setUp(fields);
			// the running server loads it; the dashboard shows how it goes
			if (demo) await request("POST /v1/setup/demo").catch(() => {});
			onSignedIn(session);
		} catch (e) {
			const problems = e instanceof ApiError ? e.problems.map((p) => `${p.field}: ${p.message}`).join("; ") : "";
			setError(e instanceof ApiError ? `${e.message} ${problems}`.trim() : UNREACHABLE);
		} finally {
			setBusy(false);
		}
	}
	return (
		<main className="signin">
			<h1>Set up Qualify</h1>
			<p className="hint">
				Create the first admin. The admin secret key is the one <code>qualify serve</code> printed when it first
				started.
			</p>
			<form onSubmit={submit} aria-label="Set up">
				{field("key", "Admin secret key", "password")}
				{field("name", "Your name", "text", "name")}
				{field("email", "E-mail", "email", "username")}
				{field("password", "Password (10 characters or more)", "password", "new-password")}
				<label className="check">
					<input type="checkbox" checked={demo} onChange={(e) => setDemo(e.target.checked)} /> Also load demo data
					(2,000 fictional leads and a demo sales team) to look around
				</label>
				<ErrorNote text={error} />
				<button type="submit" disabled={busy}>
					{busy ? "Setting up…" : "Create admin and sign in"}
				</button>
			</form>
		</main>
	);
}

const NAV: Array<{ to: string; label: string; roles: ReadonlyArray<User["role"]> }> = [
	{ to: "/dashboard", label: "Dashboard", roles: ["admin", "marketing", "sales"] },
	{ to: "/queue", label: "Sales queue", roles: ["admin", "marketing", "sales"] },
	{ to: "/leads", label: "Leads", roles: ["admin", "marketing", "sales"] },
	{ to: "/segments", label: "Segments", roles: ["admin", "marketing", "sales"] },
	{ to: "/accounts", label: "Accounts", roles: ["admin", "marketing", "sales"] },
	{ to: "/nurture", label: "Nurture", roles: ["admin", "marketing"] },
	{ to: "/forms", label: "Forms", roles: ["admin", "marketing"] },
	{ to: "/scoring", label: "Scoring", roles: ["admin", "marketing", "sales"] },
	{ to: "/settings", label: "Settings", roles: ["admin"] },
];

function Page({ path, query, user }: { path: string; query: URLSearchParams; user: User }) {
	if (path === "/leads/import") return <Import />;
	const leadId = /^\/leads\/([0-9a-f-]{36})$/.exec(path)?.[1];
	if (leadId) return <LeadDetail id={leadId} user={user} />;
	if (path === "/scoring/signals") return <Signals user={user} />;
	if (path === "/scoring/compare")
		return <CompareModels fromId={query.get("from") ?? ""} toId={query.get("to") ?? ""} />;
	const backtestId = /^\/scoring\/([0-9a-f-]{36})\/backtest$/.exec(path)?.[1];
	if (backtestId) return <Backtest id={backtestId} />;
	const modelId = /^\/scoring\/([0-9a-f-]{36})$/.exec(path)?.[1];
	if (modelId) return <DraftEditor id={modelId} user={user} />;
	const accountId = /^\/accounts\/([0-9a-f-]{36})$/.exec(path)?.[1];
	if (accountId) return <AccountPage id={accountId} user={user} />;
	if (path === "/segments/new") return <SegmentBuilder />;
	const editSegment = /^\/segments\/([0-9a-f-]{36})\/edit$/.exec(path)?.[1];
	if (editSegment) return <SegmentBuilder id={editSegment} />;
	const segmentId = /^\/segments\/([0-9a-f-]{36})$/.exec(path)?.[1];
	if (segmentId) return <SegmentPage id={segmentId} user={user} />;
	if (path === "/nurture/sequences/new") return <SequenceEditor />;
	const sequenceId = /^\/nurture\/sequences\/([0-9a-f-]{36})$/.exec(path)?.[1];
	if (sequenceId) return <SequenceEditor id={sequenceId} />;
	if (path === "/nurture/templates/new") return <TemplateEditor />;
	const templateId = /^\/nurture\/templates\/([0-9a-f-]{36})$/.exec(path)?.[1];
	if (templateId) return <TemplateEditor id={templateId} />;
	if (path === "/forms/new") return <FormEditor />;
	const formId = /^\/forms\/([0-9a-f-]{36})$/.exec(path)?.[1];
	if (formId) return <FormEditor id={formId} />;
	if (path.startsWith("/settings")) return <Settings path={path} />;
	if (path === "/account") return <Account user={user} />;
	switch (path) {
		case "/dashboard":
			return <Dashboard user={user} segment={query.get("segment")} account={query.get("account")} />;
		case "/segments":
			return <Segments user={user} />;
		case "/accounts":
			return <Accounts user={user} />;
		case "/nurture":
			return <Nurture user={user} />;
		case "/forms":
			return <Forms user={user} />;
		case "/queue":
			return <Queue user={user} />;
		case "/leads":
			return <Leads query={query} user={user} />;
		case "/scoring":
			return <Scoring user={user} published={query.get("published")} />;
		default:
			// sales starts at its queue, everyone else at the dashboard
			return user.role === "sales" ? <Queue user={user} /> : <Dashboard user={user} />;
	}
}

export function App() {
	const [session, setSession] = useState<Session | null | undefined>(undefined);
	const [firstRun, setFirstRun] = useState(false);
	// Where a person was when their session ended: sign-in brings them back there.
	const [returnTo, setReturnTo] = useState<string | null>(null);
	const [location, navigate] = useLocation();
	useEffect(() => {
		currentSession().then(setSession, () => setSession(null));
		request("GET /v1/setup-status").then(
			(s) => setFirstRun(s.needed),
			() => setFirstRun(false),
		);
	}, []);
	useEffect(
		() =>
			onSignedOut(() => {
				setReturnTo(window.location.pathname + window.location.search);
				setSession(null);
			}),
		[],
	);
	const signedIn = (s: Session) => {
		setSession(s);
		if (returnTo) navigate(returnTo);
		setReturnTo(null);
	};
	if (session === undefined) return <p className="loading">Loading…</p>;
	if (!session)
		return firstRun ? (
			<SetUp
				onSignedIn={(s) => {
					setFirstRun(false);
					setSession(s);
				}}
			/>
		) : (
			<SignIn onSignedIn={signedIn} ended={returnTo !== null} />
		);
	const url = new URL(location, window.location.origin);
	const section = `/${url.pathname.split("/")[1] ?? ""}`;
	const home = session.user.role === "sales" ? "/queue" : "/dashboard";
	return (
		<Navigate.Provider value={navigate}>
			<div className="shell">
				<a className="skip" href="#content">
					Skip to content
				</a>
				<header>
					<strong className="brand">Qualify</strong>
					<nav aria-label="Main">
						{NAV.filter((n) => n.roles.includes(session.user.role)).map((n) => (
							<Link
								key={n.to}
								to={n.to}
								aria-current={section === n.to || (section === "/" && n.to === home) ? "page" : undefined}
							>
								{n.label}
							</Link>
						))}
					</nav>
					<Link to="/account" className="who" aria-current={section === "/account" ? "page" : undefined}>
						{session.user.name} ({session.user.role})
					</Link>
					<button type="button" className="quiet" onClick={() => signOut().finally(() => setSession(null))}>
						Sign out
					</button>
				</header>
				<main id="content">
					<Page key={url.pathname} path={url.pathname} query={url.searchParams} user={session.user} />
				</main>
			</div>
		</Navigate.Provider>
	);
}
