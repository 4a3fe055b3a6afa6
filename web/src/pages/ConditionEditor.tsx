import { useId } from "react";
import type { Condition, ConditionOp, FieldCondition } from "../../../src/schemas/scoring-model";
import { entriesOf, OP_WORDS } from "../words";

const NO_VALUE: ReadonlySet<ConditionOp> = new Set(["exists", "missing", "isFreeMail"]);
const LIST_OPS: ReadonlySet<ConditionOp> = new Set(["in", "notIn"]);
const NUMBER_OPS: ReadonlySet<ConditionOp> = new Set(["gt", "gte", "lt", "lte"]);
const TEXT_OPS: ReadonlySet<ConditionOp> = new Set(["equals", "notEquals", "contains", "startsWith", "endsWith"]);

/** Text a person typed, as the value it stands for: a number stays a number, true stays true. */
function typed(text: string, like: unknown): unknown {
	const trimmed = text.trim();
	if (typeof like === "number" && trimmed !== "" && Number.isFinite(Number(trimmed))) return Number(trimmed);
	if (typeof like === "boolean" && (trimmed === "true" || trimmed === "false")) return trimmed === "true";
	return text;
}

const asText = (value: unknown) => (value === undefined || value === null ? "" : String(value));

/** The value a condition gets when its operator changes: kept where it still fits. */
function valueFor(op: ConditionOp, value: unknown): unknown {
	if (NO_VALUE.has(op)) return undefined;
	if (LIST_OPS.has(op)) return Array.isArray(value) ? value : value === undefined || value === "" ? [] : [value];
	if (op === "between") return Array.isArray(value) && value.length === 2 ? value : [0, 10];
	if (NUMBER_OPS.has(op)) return typeof value === "number" ? value : 0;
	return Array.isArray(value) ? asText(value[0]) : (value ?? "");
}

function ValueInput({
	condition,
	lists,
	onChange,
	readOnly,
}: {
	condition: FieldCondition;
	lists: string[];
	onChange: (value: unknown) => void;
	readOnly: boolean;
}) {
	const { op, value } = condition;
	if (NO_VALUE.has(op)) return null;
	if (LIST_OPS.has(op)) {
		const items = Array.isArray(value) ? value : [];
		const numbers = items.length > 0 && items.every((v) => typeof v === "number");
		return (
			<input
				aria-label="Values, separated by commas"
				readOnly={readOnly}
				value={items.map(asText).join(", ")}
				size={28}
				onChange={(e) =>
					onChange(
						e.target.value
							.split(",")
							.map((v) => v.trim())
							.filter((v) => v !== "")
							.map((v) => (numbers ? typed(v, 0) : v)),
					)
				}
			/>
		);
	}
	if (op === "between") {
		const [min, max] = Array.isArray(value) ? value : [0, 0];
		return (
			<>
				<input
					aria-label="From"
					type="number"
					readOnly={readOnly}
					value={asText(min)}
					onChange={(e) => onChange([Number(e.target.value), max])}
				/>{" "}
				and{" "}
				<input
					aria-label="To"
					type="number"
					readOnly={readOnly}
					value={asText(max)}
					onChange={(e) => onChange([min, Number(e.target.value)])}
				/>
			</>
		);
	}
	if (NUMBER_OPS.has(op))
		return (
			<input
				aria-label="Value"
				type="number"
				readOnly={readOnly}
				value={asText(value)}
				onChange={(e) => onChange(Number(e.target.value))}
			/>
		);
	if (op === "inList")
		return (
			<select aria-label="List" disabled={readOnly} value={asText(value)} onChange={(e) => onChange(e.target.value)}>
				{!lists.includes(asText(value)) && <option value={asText(value)}>{asText(value) || "choose…"}</option>}
				{lists.map((l) => (
					<option key={l} value={l}>
						{l}
					</option>
				))}
			</select>
		);
	return (
		<input
			aria-label={op === "matches" ? "Pattern" : "Value"}
			readOnly={readOnly}
			value={asText(value)}
			size={op === "matches" ? 28 : 18}
			onChange={(e) => onChange(typed(e.target.value, value))}
		/>
	);
}

/**
 * A condition as a form: a field test (field, operator, value), or a group of them (all of,
 * any of, not). Editing never adds keys the JSON did not have, so the form and the JSON view
 * round-trip.
 */
export function ConditionEditor({
	value,
	onChange,
	onRemove,
	fields,
	lists = [],
	readOnly = false,
	depth = 0,
}: {
	value: Condition;
	onChange: (condition: Condition) => void;
	onRemove?: () => void;
	fields: string[];
	lists?: string[];
	readOnly?: boolean;
	depth?: number;
}) {
	const fieldList = useId();
	const remove = onRemove && !readOnly && (
		<button type="button" className="quiet small" aria-label="Remove this condition" onClick={onRemove}>
			×
		</button>
	);
	if ("field" in value) {
		const set = (patch: Partial<FieldCondition>) => {
			const next: Record<string, unknown> = { ...value, ...patch };
			if (next.value === undefined) delete next.value;
			onChange(next as FieldCondition);
		};
		return (
			<div className="condition" data-depth={depth}>
				<input
					aria-label="Field"
					list={fieldList}
					readOnly={readOnly}
					value={value.field}
					size={14}
					onChange={(e) => set({ field: e.target.value })}
				/>
				<datalist id={fieldList}>
					{fields.map((f) => (
						<option key={f} value={f} />
					))}
				</datalist>
				<select
					aria-label="Operator"
					disabled={readOnly}
					value={value.op}
					onChange={(e) => {
						const op = e.target.value as ConditionOp;
						set({ op, value: valueFor(op, value.value) });
					}}
				>
					{entriesOf(OP_WORDS).map(([op, words]) => (
						<option key={op} value={op}>
							{words}
						</option>
					))}
				</select>
				<ValueInput condition={value} lists={lists} readOnly={readOnly} onChange={(v) => set({ value: v })} />
				{TEXT_OPS.has(value.op) && value.caseSensitive !== undefined && (
					<label className="small">
						<input
							type="checkbox"
							disabled={readOnly}
							checked={value.caseSensitive}
							onChange={(e) => set({ caseSensitive: e.target.checked })}
						/>{" "}
						exact case
					</label>
				)}
				{!readOnly && depth === 0 && (
					<button
						type="button"
						className="quiet small"
						onClick={() => onChange({ all: [value, { field: value.field, op: "exists" }] })}
					>
						+ and
					</button>
				)}
				{remove}
			</div>
		);
	}
	if ("not" in value)
		return (
			<div className="condition group" data-depth={depth}>
				<span className="joiner">not</span>
				<ConditionEditor
					value={value.not}
					onChange={(not) => onChange({ not })}
					fields={fields}
					lists={lists}
					readOnly={readOnly}
					depth={depth + 1}
				/>
				{remove}
			</div>
		);
	const kind = "all" in value ? "all" : "any";
	const items = "all" in value ? value.all : value.any;
	const setItems = (next: Condition[]) => onChange(kind === "all" ? { all: next } : { any: next });
	return (
		<fieldset className="condition group" data-depth={depth}>
			<legend>
				<select
					aria-label="Join"
					disabled={readOnly}
					value={kind}
					onChange={(e) => onChange(e.target.value === "all" ? { all: items } : { any: items })}
				>
					<option value="all">all of</option>
					<option value="any">any of</option>
				</select>
				{remove}
			</legend>
			{items.map((item, i) => (
				<ConditionEditor
					// biome-ignore lint/suspicious/noArrayIndexKey: conditions have no ids; their place is their identity
					key={i}
					value={item}
					onChange={(next) => setItems(items.map((c, j) => (j === i ? next : c)))}
					onRemove={items.length > 1 ? () => setItems(items.filter((_, j) => j !== i)) : undefined}
					fields={fields}
					lists={lists}
					readOnly={readOnly}
					depth={depth + 1}
				/>
			))}
			{!readOnly && (
				<div className="actions">
					<button
						type="button"
						className="quiet small"
						onClick={() => setItems([...items, { field: fields[0] ?? "", op: "exists" }])}
					>
						+ condition
					</button>
					<button
						type="button"
						className="quiet small"
						onClick={() => setItems([...items, { any: [{ field: fields[0] ?? "", op: "exists" }] }])}
					>
						+ group
					</button>
				</div>
			)}
		</fieldset>
	);
}
