import { type FormEvent, useEffect, useState } from "react";
import { ApiError, api } from "../api";
import { REJECTION_REASONS } from "../rejections";

interface Move {
	to: string;
	needs: Array<"reason" | "rejection">;
}

/** The stage moves this person may make, as the lifecycle's table says, with what each needs. */
export function StageMove({ id, onMoved }: { id: string; onMoved: () => void }) {
	const [moves, setMoves] = useState<Move[]>([]);
	const [to, setTo] = useState("");
	const [reason, setReason] = useState("");
	const [rejection, setRejection] = useState("no_need_now");
	const [error, setError] = useState<string | null>(null);
	useEffect(() => {
		api<{ moves: Move[] }>("GET", `/v1/leads/${id}/moves`).then(
			(r) => setMoves(r.moves),
			() => setMoves([]),
		);
	}, [id]);
	if (moves.length === 0) return null;
	const chosen = moves.find((m) => m.to === to);
	async function submit(event: FormEvent) {
		event.preventDefault();
		setError(null);
		try {
			await api("POST", `/v1/leads/${id}/stage`, {
				to,
				...(reason ? { reason } : {}),
				...(chosen?.needs.includes("rejection") ? { rejection } : {}),
			});
			setTo("");
			setReason("");
			onMoved();
		} catch (e) {
			setError(e instanceof ApiError ? e.message : "The move failed.");
		}
	}
	return (
		<form className="inline-form stage-move" aria-label="Change stage" onSubmit={submit}>
			<label>
				Move to{" "}
				<select value={to} onChange={(e) => setTo(e.target.value)} required>
					<option value="">choose…</option>
					{moves.map((m) => (
						<option key={m.to} value={m.to}>
							{m.to}
						</option>
					))}
				</select>
			</label>
			{chosen?.needs.includes("rejection") && (
				<label>
					Rejection{" "}
					<select value={rejection} onChange={(e) => setRejection(e.target.value)}>
						{REJECTION_REASONS.map(([value, label]) => (
							<option key={value} value={value}>
								{label}
							</option>
						))}
					</select>
				</label>
			)}
			<label>
				Reason{chosen?.needs.includes("reason") ? "" : " (optional)"}{" "}
				<input
					value={reason}
					required={chosen?.needs.includes("reason") ?? false}
					onChange={(e) => setReason(e.target.value)}
					size={30}
				/>
			</label>
			<button type="submit" disabled={!to}>
				Move
			</button>
			{error && (
				<p role="alert" className="error">
					{error}
				</p>
			)}
		</form>
	);
}
