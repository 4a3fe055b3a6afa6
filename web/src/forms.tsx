import { type FormEvent, type ReactNode, useCallback, useEffect, useState } from "react";
import type { ApiRoute, ResponseOf } from "../../src/schemas/api";
import { ApiError, request, UNREACHABLE } from "./api";

/** The message of a failed request, with each field's problem. */
export function failure(e: unknown): string {
	if (!(e instanceof ApiError)) return e instanceof Error && e.message ? e.message : UNREACHABLE;
	const details = e.problems.map((p) => `${p.field}: ${p.message}`).join("; ");
	return details ? `${e.message} ${details}` : e.message;
}

export interface Outcome {
	ok: boolean;
	text: string;
}

/**
 * The one way a page says how an action went, at the place it happened: a status when it worked,
 * an alert (read out by screen readers) when it did not.
 */
export function OutcomeNote({ outcome }: { outcome: Outcome | null }) {
	if (!outcome) return null;
	return outcome.ok ? <output className="status">{outcome.text}</output> : <ErrorNote text={outcome.text} />;
}

/** A failure to show where it happened, or nothing. */
export function ErrorNote({ text }: { text: string | null | undefined }) {
	return text ? (
		<p role="alert" className="error">
			{text}
		</p>
	) : null;
}

/** Runs actions and keeps how the last one went, for an OutcomeNote beside its controls. */
export function useOutcome() {
	const [outcome, setOutcome] = useState<Outcome | null>(null);
	const run = useCallback(async (action: () => Promise<unknown>, done: string): Promise<boolean> => {
		setOutcome(null);
		try {
			await action();
			setOutcome({ ok: true, text: done });
			return true;
		} catch (e) {
			setOutcome({ ok: false, text: failure(e) });
			return false;
		}
	}, []);
	return {
		outcome,
		run,
		clear: () => setOutcome(null),
		say: (text: string) => setOutcome({ ok: true, text }),
		fail: (e: unknown) => setOutcome({ ok: false, text: failure(e) }),
	};
}

/** The routes that answer `{ data: [...] }` without path parameters. */
type ListRoute = {
	[R in ApiRoute]: R extends `GET ${string}:${string}` ? never : ResponseOf<R> extends { data: unknown[] } ? R : never;
}[ApiRoute];
type RowOf<R extends ListRoute> = ResponseOf<R> extends { data: Array<infer T> } ? T : never;

/** Loads a list and reloads it after each change; a failure is shown, not thrown. */
export function useList<R extends ListRoute>(
	route: R,
): { rows: RowOf<R>[]; reload: () => Promise<void>; error: string | null } {
	const [rows, setRows] = useState<RowOf<R>[]>([]);
	const [error, setError] = useState<string | null>(null);
	const reload = useCallback(
		() =>
			(request as (r: ApiRoute) => Promise<{ data: RowOf<R>[] }>)(route).then(
				(r) => {
					setRows(r.data);
					setError(null);
				},
				(e) => setError(failure(e)),
			),
		[route],
	);
	useEffect(() => {
		reload();
	}, [reload]);
	return { rows, reload, error };
}

/** A form that says how its save went, beside its fields. */
export function SettingsForm({
	label,
	onSubmit,
	children,
	submit,
	done,
}: {
	label: string;
	onSubmit: () => Promise<void>;
	children: ReactNode;
	submit: string;
	/** what to say when it worked */
	done: string;
}) {
	const { outcome, run } = useOutcome();
	const [busy, setBusy] = useState(false);
	async function submitForm(event: FormEvent) {
		event.preventDefault();
		setBusy(true);
		await run(onSubmit, done);
		setBusy(false);
	}
	return (
		<form className="inline-form" aria-label={label} onSubmit={submitForm}>
			{children}
			<button type="submit" disabled={busy}>
				{submit}
			</button>
			<OutcomeNote outcome={outcome} />
		</form>
	);
}

/** A password field: a new one must have 10 characters or more, as the server says. */
export function PasswordField({
	label,
	value,
	onChange,
	current = false,
}: {
	label: string;
	value: string;
	onChange: (value: string) => void;
	/** the password someone has now, rather than a new one */
	current?: boolean;
}) {
	return (
		<label>
			{label}{" "}
			<input
				type="password"
				required
				minLength={current ? undefined : 10}
				autoComplete={current ? "current-password" : "new-password"}
				value={value}
				onChange={(e) => onChange(e.target.value)}
			/>
		</label>
	);
}
