import type { Ref } from "react";
import type { RejectionReason } from "../../../src/schemas/lifecycle";
import { entriesOf, REJECTION_WORDS } from "../words";

/** Why sales turns a lead down, chosen by the person: nothing is pre-selected. */
export function RejectionSelect({
	label,
	value,
	onChange,
	selectRef,
}: {
	label: string;
	value: RejectionReason | "";
	onChange: (reason: RejectionReason) => void;
	selectRef?: Ref<HTMLSelectElement>;
}) {
	return (
		<label>
			{label}{" "}
			<select ref={selectRef} required value={value} onChange={(e) => onChange(e.target.value as RejectionReason)}>
				<option value="" disabled>
					choose…
				</option>
				{entriesOf(REJECTION_WORDS).map(([reason, words]) => (
					<option key={reason} value={reason}>
						{words}
					</option>
				))}
			</select>
		</label>
	);
}
