/** Anything that answers requests in-process: the app under test. */
interface Requestable {
	request: (path: string, init?: RequestInit) => Response | Promise<Response>;
}

export interface SignedIn {
	status: number;
	cookie: string;
	csrf: string;
	body: { user?: { id: string; ownerId: string | null } } | null;
}

/** Signs in through the API, as the web app does, and calls the API with the session cookie. */
export function sessions(app: Requestable) {
	async function signIn(email: string, password: string): Promise<SignedIn> {
		const response = await app.request("/v1/session", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ email, password }),
		});
		const cookie = response.headers.get("set-cookie") ?? "";
		const body = response.status === 200 ? await response.json() : null;
		return { status: response.status, cookie, csrf: body?.csrfToken as string, body };
	}
	const as = (s: { cookie: string; csrf?: string }, method: string, path: string, body?: unknown, csrf = s.csrf) =>
		app.request(path, {
			method,
			headers: {
				cookie: s.cookie.split(";")[0] ?? "",
				"content-type": "application/json",
				...(csrf ? { "x-csrf-token": csrf } : {}),
			},
			...(body === undefined ? {} : { body: JSON.stringify(body) }),
		});
	return { signIn, as };
}

/** Calls the API with a secret key, as a script would; the app and key are read at each call. */
export function keyCaller(current: () => { app: Requestable; key: string }) {
	return async (method: string, path: string, body?: unknown) => {
		const { app, key } = current();
		const response = await app.request(path, {
			method,
			headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
			...(body === undefined ? {} : { body: JSON.stringify(body) }),
		});
		const text = await response.text();
		return { status: response.status, body: text ? JSON.parse(text) : null };
	};
}
