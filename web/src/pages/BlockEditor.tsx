import type { Block, Problem } from "./draft-blocks";

/**
 * One block of a draft as editable JSON, with its problems beside it, or else the sentence the
 * saved rule reads as.
 */
export function BlockEditor({
	block,
	problems,
	editable,
	sentence,
	onChange,
	onRemove,
}: {
	block: Block;
	problems: Problem[];
	editable: boolean;
	sentence?: string | null;
	onChange: (text: string) => void;
	onRemove?: () => void;
}) {
	const id = `b-${block.key}`;
	return (
		<div className={`block rule${problems.length ? " invalid" : ""}`} data-block={block.key}>
			<label htmlFor={id}>{block.title}</label>
			<textarea
				id={id}
				value={block.text}
				readOnly={!editable}
				spellCheck={false}
				rows={Math.min(14, block.text.split("\n").length)}
				aria-invalid={problems.length > 0}
				aria-describedby={problems.length ? `p-${block.key}` : undefined}
				onChange={(e) => onChange(e.target.value)}
			/>
			<div className="beside">
				{problems.length > 0 ? (
					<ul id={`p-${block.key}`} className="problems">
						{problems.map((p) => (
							<li key={p.field + p.message}>
								<code>{p.field}</code> {p.message}
							</li>
						))}
					</ul>
				) : (
					sentence && <p className="sentence">{sentence}</p>
				)}
				{editable && onRemove && (
					<button type="button" className="quiet small" onClick={onRemove}>
						Remove
					</button>
				)}
			</div>
		</div>
	);
}
