import { type FormEvent, type ReactNode, useCallback, useEffect, useState } from "react";
import { ApiError, api } from "./api";

/** The message of a failed request, with each field's problem. */
export function failure(e: unknown): string {
	if (!(e instanceof ApiError)) return e instanceof Error ? e.message : "Qualify could not be reached.";
	const details = e.problems.map((p) => `${p.field}: ${p.message}`).join("; ");
	return details ? `${e.message} ${details}` : e.message;
}

/** Loads a list and reloads it after each change; errors are shown, not thrown. */
export function useList<T>(path: string): { rows: T[]; reload: () => Promise<void>; error: string | null } {
	const [rows, setRows] = useState<T[]>([]);
	const [error, setError] = useState<string | null>(null);
	const reload = useCallback(
		() =>
			api<{ data: T[] }>("GET", path).then(
				(r) => setRows(r.data),
				(e) => setError(failure(e)),
			),
		[path],
	);
	useEffect(() => {
		reload();
	}, [reload]);
	return { rows, reload, error };
}

/** A form that reports its own failure beside its fields. */
export function SettingsForm({
	label,
	onSubmit,
	children,
	submit,
}: {
	label: string;
	onSubmit: () => Promise<void>;
	children: ReactNode;
	submit: string;
}) {
	const [error, setError] = useState<string | null>(null);
	async function run(event: FormEvent) {
		event.preventDefault();
		setError(null);
		try {
			await onSubmit();
		} catch (e) {
			setError(failure(e));
		}
	}
	return (
		<form className="inline-form" aria-label={label} onSubmit={run}>
			{children}
			<button type="submit">{submit}</button>
			{error && (
				<p role="alert" className="error">
					{error}
				</p>
			)}
		</form>
	);
}
