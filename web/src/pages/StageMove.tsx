import { type FormEvent, useEffect, useState } from "react";
import type { RejectionReason, StageMoves } from "../../../src/schemas/lifecycle";
import { request } from "../api";
import { ErrorNote, failure } from "../forms";
import { RejectionSelect } from "./RejectionSelect";

type Move = StageMoves["moves"][number];

/** The stage moves this person may make, as the lifecycle's table says, with what each needs. */
export function StageMove({ id, onMoved }: { id: string; onMoved: () => void }) {
	const [moves, setMoves] = useState<Move[]>([]);
	const [to, setTo] = useState<Move["to"] | "">("");
	const [reason, setReason] = useState("");
	const [rejection, setRejection] = useState<RejectionReason | "">("");
	const [error, setError] = useState<string | null>(null);
	useEffect(() => {
		request("GET /v1/leads/:id/moves", { params: { id } }).then(
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
			if (!to) return;
			await request("POST /v1/leads/:id/stage", {
				params: { id },
				body: {
					to,
					...(reason ? { reason } : {}),
					...(chosen?.needs.includes("rejection") && rejection ? { rejection } : {}),
				},
			});
			setTo("");
			setReason("");
			onMoved();
		} catch (e) {
			setError(failure(e));
		}
	}
	return (
		<form className="inline-form stage-move" aria-label="Change stage" onSubmit={submit}>
			<label>
				Move to{" "}
				<select value={to} onChange={(e) => setTo(e.target.value as Move["to"])} required>
					<option value="">choose…</option>
					{moves.map((m) => (
						<option key={m.to} value={m.to}>
							{m.to}
						</option>
					))}
				</select>
			</label>
			{chosen?.needs.includes("rejection") && (
				<RejectionSelect label="Rejection" value={rejection} onChange={setRejection} />
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
			<ErrorNote text={error} />
		</form>
	);
}
