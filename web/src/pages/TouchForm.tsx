import { type FormEvent, useState } from "react";
import type { CallOutcome, TouchInput, TouchKind } from "../../../src/schemas/handoff";
import { entriesOf, OUTCOME_WORDS, TOUCH_WORDS } from "../words";

/** Logging a touch: a call with how it went, an e-mail, a meeting, or a note for the timeline. */
export function TouchForm({ onTouch, compact = false }: { onTouch: (touch: TouchInput) => void; compact?: boolean }) {
	const [kind, setKind] = useState<TouchKind>("call");
	const [outcome, setOutcome] = useState<CallOutcome>("connected");
	const [note, setNote] = useState("");
	function submit(event: FormEvent) {
		event.preventDefault();
		onTouch({
			kind,
			...(kind === "call" ? { outcome } : {}),
			...(note.trim() ? { note: note.trim() } : {}),
		});
		setNote("");
	}
	return (
		<form className={compact ? "touch compact" : "touch"} aria-label="Log a touch" onSubmit={submit}>
			<select aria-label="Touch" value={kind} onChange={(e) => setKind(e.target.value as TouchKind)}>
				{entriesOf(TOUCH_WORDS).map(([value, label]) => (
					<option key={value} value={value}>
						{label}
					</option>
				))}
			</select>
			{kind === "call" && (
				<select aria-label="Outcome" value={outcome} onChange={(e) => setOutcome(e.target.value as CallOutcome)}>
					{entriesOf(OUTCOME_WORDS).map(([value, label]) => (
						<option key={value} value={value}>
							{label}
						</option>
					))}
				</select>
			)}
			{(!compact || kind === "note") && (
				<input
					aria-label="Note"
					placeholder={kind === "note" ? "the note" : "note (optional)"}
					required={kind === "note"}
					maxLength={2000}
					value={note}
					onChange={(e) => setNote(e.target.value)}
				/>
			)}
			<button type="submit" className="quiet">
				Log {TOUCH_WORDS[kind].toLowerCase()}
			</button>
		</form>
	);
}
