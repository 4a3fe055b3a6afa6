// The browser's client for the Qualify API, typed by the server's own route map: the session
// cookie travels by itself; every change carries the CSRF token the session handed out.
import type { ApiRoute, RequestOf, ResponseOf } from "../../src/schemas/api";
import type { Session } from "../../src/schemas/users";

export type { Session, User } from "../../src/schemas/users";

let csrfToken = "";

export interface Problem {
	field: string;
	message: string;
}

export class ApiError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly problems: Problem[] = [],
	) {
		super(message);
	}
}

export const UNREACHABLE = "Qualify could not be reached: check the connection, then try again.";

/** Told when a request finds the session gone (expired, or signed out elsewhere). */
const signedOutListeners = new Set<() => void>();
export function onSignedOut(listener: () => void): () => void {
	signedOutListeners.add(listener);
	return () => signedOutListeners.delete(listener);
}

type Args<R extends ApiRoute> = object extends RequestOf<R> ? [options?: RequestOf<R>] : [options: RequestOf<R>];

function urlOf(path: string, params?: Record<string, string>, query?: Record<string, unknown>): string {
	const filled = path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params?.[name] ?? ""));
	const search = new URLSearchParams();
	for (const [key, value] of Object.entries(query ?? {}))
		if (value !== undefined && value !== "") search.set(key, String(value));
	const text = search.toString();
	return text ? `${filled}?${text}` : filled;
}

/** Calls one route of the API; a failure is an ApiError with a message a person can act on. */
export async function request<R extends ApiRoute>(route: R, ...[options]: Args<R>): Promise<ResponseOf<R>> {
	const space = route.indexOf(" ");
	const method = route.slice(0, space);
	const path = route.slice(space + 1);
	const { params, query, body } = (options ?? {}) as {
		params?: Record<string, string>;
		query?: object;
		body?: unknown;
	};
	let response: Response;
	try {
		// a file goes as it is (a CSV upload); anything else as JSON
		const file = typeof Blob !== "undefined" && body instanceof Blob;
		response = await fetch(urlOf(path, params, query as Record<string, unknown>), {
			method,
			credentials: "same-origin",
			headers: {
				...(body === undefined ? {} : { "content-type": file ? "text/csv" : "application/json" }),
				...(method === "GET" ? {} : { "x-csrf-token": csrfToken }),
			},
			...(body === undefined ? {} : { body: file ? (body as Blob) : JSON.stringify(body) }),
		});
	} catch {
		throw new ApiError(0, UNREACHABLE);
	}
	const text = await response.text();
	let data: { error?: { message?: string; problems?: Problem[] } } | null = null;
	try {
		data = text ? JSON.parse(text) : null;
	} catch {
		data = null;
	}
	if (!response.ok) {
		const signIn = route === "POST /v1/session" || route === "GET /v1/session";
		if (response.status === 401 && !signIn) for (const listener of signedOutListeners) listener();
		const message =
			response.status === 401 && !signIn
				? "Your session has ended: sign in again."
				: (data?.error?.message ?? `${response.status} ${response.statusText}`);
		throw new ApiError(response.status, message, data?.error?.problems ?? []);
	}
	return data as ResponseOf<R>;
}

export async function currentSession(): Promise<Session | null> {
	try {
		const session = await request("GET /v1/session");
		csrfToken = session.csrfToken;
		return session;
	} catch (error) {
		if (error instanceof ApiError && error.status === 401) return null;
		throw error;
	}
}

export async function signIn(email: string, password: string): Promise<Session> {
	const session = await request("POST /v1/session", { body: { email, password } });
	csrfToken = session.csrfToken;
	return session;
}

export async function signOut(): Promise<void> {
	await request("DELETE /v1/session");
	csrfToken = "";
}

/** The first admin, with the admin secret key `serve` printed at first run; then signed in. */
export async function setUp(input: { key: string; name: string; email: string; password: string }): Promise<Session> {
	let response: Response;
	try {
		response = await fetch("/v1/setup", {
			method: "POST",
			headers: { authorization: `Bearer ${input.key.trim()}`, "content-type": "application/json" },
			body: JSON.stringify({ name: input.name, email: input.email, password: input.password, role: "admin" }),
		});
	} catch {
		throw new ApiError(0, UNREACHABLE);
	}
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
