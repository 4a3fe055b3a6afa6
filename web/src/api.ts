// The browser's client for the Qualify API: the session cookie travels by itself; every
// change carries the CSRF token the session handed out.
let csrfToken = "";

export class ApiError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly problems: Array<{ field: string; message: string }> = [],
	) {
		super(message);
	}
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
	const response = await fetch(path, {
		method,
		credentials: "same-origin",
		headers: {
			...(body === undefined ? {} : { "content-type": "application/json" }),
			...(method === "GET" ? {} : { "x-csrf-token": csrfToken }),
		},
		...(body === undefined ? {} : { body: JSON.stringify(body) }),
	});
	const text = await response.text();
	const data = text ? JSON.parse(text) : null;
	if (!response.ok)
		throw new ApiError(response.status, data?.error?.message ?? response.statusText, data?.error?.problems);
	return data as T;
}

export interface User {
	id: string;
	email: string;
	name: string;
	role: "admin" | "marketing" | "sales";
	/** the sales owner this person is, if any */
	ownerId: string | null;
}

export interface Session {
	user: User;
	csrfToken: string;
}

export async function currentSession(): Promise<Session | null> {
	try {
		const session = await api<Session>("GET", "/v1/session");
		csrfToken = session.csrfToken;
		return session;
	} catch (error) {
		if (error instanceof ApiError && error.status === 401) return null;
		throw error;
	}
}

export async function signIn(email: string, password: string): Promise<Session> {
	const session = await api<Session>("POST", "/v1/session", { email, password });
	csrfToken = session.csrfToken;
	return session;
}

export async function signOut(): Promise<void> {
	await api("DELETE", "/v1/session");
	csrfToken = "";
}

export async function setupNeeded(): Promise<boolean> {
	return (await api<{ needed: boolean }>("GET", "/v1/setup-status")).needed;
}

/** The first admin, with the admin secret key `serve` printed at first run; then signed in. */
export async function setUp(input: { key: string; name: string; email: string; password: string }): Promise<Session> {
	const response = await fetch("/v1/setup", {
		method: "POST",
		headers: { authorization: `Bearer ${input.key.trim()}`, "content-type": "application/json" },
		body: JSON.stringify({ name: input.name, email: input.email, password: input.password, role: "admin" }),
	});
	if (!response.ok) {
		const data = await response.json().catch(() => null);
		throw new ApiError(
			response.status,
			response.status === 401 ? "That is not the admin secret key." : (data?.error?.message ?? response.statusText),
			data?.error?.problems,
		);
	}
	return signIn(input.email, input.password);
}
