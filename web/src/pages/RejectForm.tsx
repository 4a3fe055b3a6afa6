import { type FormEvent, useEffect, useRef, useState } from "react";
import type { RejectInput } from "../../../src/schemas/handoff";
import type { RejectionReason } from "../../../src/schemas/lifecycle";
import { RejectionSelect } from "./RejectionSelect";

/**
 * Turning an MQL down: a reason chosen by the rep (none is pre-selected, so the rejection report
 * is not bent towards a default), a note, and what happens next: back to nurture with a
 * cooldown and perhaps a score reset, or disqualified. Esc closes it.
 */
export function RejectForm({ onReject, onCancel }: { onReject: (input: RejectInput) => void; onCancel: () => void }) {
	const [rejection, setRejection] = useState<RejectionReason | "">("");
	const [note, setNote] = useState("");
	const [outcome, setOutcome] = useState<"recycled" | "disqualified">("recycled");
	const [cooldownDays, setCooldown] = useState(30);
	const [resetScore, setResetScore] = useState(false);
	const first = useRef<HTMLSelectElement>(null);
	useEffect(() => first.current?.focus(), []);
	function submit(event: FormEvent) {
		event.preventDefault();
		if (!rejection) return;
		onReject({
			rejection,
			outcome,
			...(note.trim() ? { note: note.trim() } : {}),
			...(outcome === "recycled" ? { cooldownDays, resetScore } : {}),
		});
	}
	return (
		<form
			className="reject"
			aria-label="Reject"
			onSubmit={submit}
			onKeyDown={(e) => {
				if (e.key === "Escape") {
					e.preventDefault();
					onCancel();
				}
			}}
		>
			<RejectionSelect label="Reason" selectRef={first} value={rejection} onChange={setRejection} />
			<label>
				Note <input value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
			</label>
			<fieldset className="choice">
				<legend>Then</legend>
				<label>
					<input type="radio" checked={outcome === "recycled"} onChange={() => setOutcome("recycled")} /> back to
					nurture
				</label>
				<label>
					<input type="radio" checked={outcome === "disqualified"} onChange={() => setOutcome("disqualified")} />{" "}
					disqualify
				</label>
			</fieldset>
			{outcome === "recycled" && (
				<>
					<label>
						Not an MQL again for{" "}
						<input
							type="number"
							min={0}
							max={365}
							value={cooldownDays}
							onChange={(e) => setCooldown(Math.max(0, Math.min(365, Number(e.target.value) || 0)))}
						/>{" "}
						days
					</label>
					<label>
						<input type="checkbox" checked={resetScore} onChange={(e) => setResetScore(e.target.checked)} /> reset the
						score (count only what they do from now on)
					</label>
				</>
			)}
			<div className="actions">
				<button type="submit" disabled={!rejection}>
					Reject
				</button>
				<button type="button" className="quiet" onClick={onCancel}>
					Cancel
				</button>
			</div>
		</form>
	);
}
