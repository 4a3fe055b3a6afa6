import type {
	CountOp,
	EventFilter,
	EventTest,
	LeadField,
	Scalar,
	SegmentCondition,
	TestOp,
} from "../../../src/schemas/segments";

// The form view of a segment's condition: the same tree the text writes, as controls. The server
// turns each side into the other (POST /v1/segments/preview), so there is one parser.

/** Every field of the lead, as a person reads it (a missing one is a type error). */
const FIELD_WORDS: Record<LeadField, string> = {
	stage: "stage",
	consent: "consent",
	email: "e-mail",
	email_domain: "e-mail domain",
	fit: "fit score",
	engagement: "engagement score",
	grade: "grade",
	temperature: "temperature",
	predicted_chance: "predicted chance",
	owner: "owner",
	team: "team",
	account: "company name",
	account_domain: "company domain",
	account_fit: "company fit",
	account_engagement: "company engagement",
	account_qualified: "company is an MQA",
};
const OPS: TestOp[] = ["=", "!=", "<", "<=", ">", ">=", "^=", "*=", "in", "not in", "exists", "missing"];
const COUNT_OPS: CountOp[] = [">=", ">", "=", "!=", "<", "<="];
const OP_WORDS: Record<string, string> = {
	"=": "is",
	"!=": "is not",
	"<": "below",
	"<=": "at most",
	">": "above",
	">=": "at least",
	"^=": "starts with",
	"*=": "contains",
	in: "is one of",
	"not in": "is none of",
	exists: "is known",
	missing: "is unknown",
};
const SINCE_WORDS = { stage_changed: "the stage changed", first_seen: "first seen", last_seen: "last seen" };

type Test = { op: TestOp; value?: Scalar | Scalar[] | undefined };

/** What a person types, as the value the tree holds: numbers as numbers, lists split at commas. */
function typedValue(op: TestOp, typed: string): Scalar | Scalar[] | undefined {
	const one = (s: string): Scalar => {
		const t = s.trim();
		return /^-?(0|[1-9]\d*)(\.\d+)?$/.test(t) ? Number(t) : t;
	};
	if (op === "exists" || op === "missing") return undefined;
	if (op === "in" || op === "not in") return typed.split(",").map(one);
	return one(typed);
}
const typedOf = (value: Test["value"]) =>
	value === undefined ? "" : Array.isArray(value) ? value.join(", ") : String(value);

/** The test under another operator, keeping what was typed (split into a list, or joined back). */
const withOp = <T extends Test>(test: T, op: TestOp): T => ({
	...test,
	op,
	value: typedValue(op, typedOf(test.value)),
});

function TestControls<T extends Test>({ test, onChange, label }: { test: T; onChange: (t: T) => void; label: string }) {
	return (
		<>
			<select
				aria-label={`${label}: how`}
				value={test.op}
				onChange={(e) => onChange(withOp(test, e.target.value as TestOp))}
			>
				{OPS.map((op) => (
					<option key={op} value={op}>
						{OP_WORDS[op]}
					</option>
				))}
			</select>
			{test.op !== "exists" && test.op !== "missing" && (
				<input
					aria-label={`${label}: value${test.op === "in" || test.op === "not in" ? "s, separated by commas" : ""}`}
					value={typedOf(test.value)}
					size={14}
					onChange={(e) => onChange({ ...test, value: typedValue(test.op, e.target.value) })}
				/>
			)}
		</>
	);
}

function EventFilterControls({
	filter,
	onChange,
	label,
}: {
	filter: EventFilter;
	onChange: (f: EventFilter) => void;
	label: string;
}) {
	const setWhere = (i: number, t: EventTest | null) =>
		onChange({
			...filter,
			where: t === null ? filter.where.filter((_, j) => j !== i) : filter.where.map((w, j) => (j === i ? t : w)),
		});
	return (
		<>
			<select
				aria-label={`${label}: kind of event`}
				value={filter.type}
				onChange={(e) => {
					const type = e.target.value as EventFilter["type"];
					const { event: _, ...rest } = filter;
					onChange(type === "page" ? { ...rest, type } : { ...filter, type });
				}}
			>
				<option value="page">page views</option>
				<option value="track">events</option>
				<option value="touch">sales touches</option>
			</select>
			{filter.type === "touch" ? (
				<select
					aria-label={`${label}: touch`}
					value={filter.event ?? ""}
					onChange={(e) => {
						const { event: _, ...rest } = filter;
						onChange(e.target.value ? { ...rest, event: e.target.value } : rest);
					}}
				>
					<option value="">any touch</option>
					{["call", "email", "meeting", "note"].map((k) => (
						<option key={k} value={k}>
							{k}
						</option>
					))}
				</select>
			) : filter.type === "track" ? (
				<input
					aria-label={`${label}: event name`}
					placeholder="event name (any)"
					value={filter.event ?? ""}
					size={16}
					onChange={(e) => {
						const { event: _, ...rest } = filter;
						onChange(e.target.value ? { ...rest, event: e.target.value } : rest);
					}}
				/>
			) : null}
			{filter.where.map((w, i) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: a test has no identity but its place
				<span key={i} className="condition">
					<span className="joiner">where</span>
					<input
						aria-label={`${label}: event field ${i + 1}`}
						value={w.on}
						size={12}
						onChange={(e) => setWhere(i, { ...w, on: e.target.value as EventTest["on"] })}
					/>
					<TestControls test={w} label={`${label}: event test ${i + 1}`} onChange={(t) => setWhere(i, t)} />
					<button
						type="button"
						className="quiet small"
						aria-label={`Remove event test ${i + 1}`}
						onClick={() => setWhere(i, null)}
					>
						×
					</button>
				</span>
			))}
			<button
				type="button"
				className="quiet small"
				onClick={() =>
					onChange({
						...filter,
						where: [
							...filter.where,
							{ on: filter.type === "page" ? "path" : "name", op: "^=", value: "" } as EventTest,
						],
					})
				}
			>
				+ where
			</button>
		</>
	);
}

/** One condition (not a group) as controls. */
function Leaf({
	condition,
	onChange,
	segments,
	label,
}: {
	condition: SegmentCondition;
	onChange: (c: SegmentCondition) => void;
	segments: string[];
	label: string;
}) {
	if ("inSegment" in condition)
		return (
			<>
				<span className="label">in segment</span>
				<select
					aria-label={`${label}: segment`}
					value={condition.inSegment}
					onChange={(e) => onChange({ inSegment: e.target.value })}
				>
					{[...new Set([condition.inSegment, ...segments])].map((name) => (
						<option key={name} value={name}>
							{name}
						</option>
					))}
				</select>
			</>
		);
	if ("daysSince" in condition) {
		const since = condition.daysSince;
		return (
			<>
				<span className="label">days since</span>
				{typeof since === "string" ? (
					<select
						aria-label={`${label}: since`}
						value={since}
						onChange={(e) => onChange({ ...condition, daysSince: e.target.value as typeof since })}
					>
						{Object.entries(SINCE_WORDS).map(([value, words]) => (
							<option key={value} value={value}>
								{words}
							</option>
						))}
					</select>
				) : (
					<>
						<span>{"first" in since ? "the first of" : "the last of"}</span>
						<EventFilterControls
							filter={"first" in since ? since.first : since.last}
							label={label}
							onChange={(f) => onChange({ ...condition, daysSince: "first" in since ? { first: f } : { last: f } })}
						/>
					</>
				)}
				<Count condition={condition} onChange={onChange} label={label} />
			</>
		);
	}
	if ("count" in condition)
		return (
			<>
				<span className="label">count of</span>
				<EventFilterControls
					filter={condition.count}
					label={label}
					onChange={(f) => onChange({ ...condition, count: f })}
				/>
				{condition.from === undefined && condition.to === undefined ? (
					<label>
						in the last{" "}
						<input
							type="number"
							min={1}
							aria-label={`${label}: days (empty for all time)`}
							placeholder="all"
							value={condition.withinDays ?? ""}
							style={{ width: "4.5rem" }}
							onChange={(e) => {
								const { withinDays: _, ...rest } = condition;
								onChange(e.target.value ? { ...rest, withinDays: Number(e.target.value) } : rest);
							}}
						/>{" "}
						days
					</label>
				) : (
					<span>
						{condition.from ? `from ${condition.from} ` : ""}
						{condition.to ? `to ${condition.to}` : ""}
					</span>
				)}
				<Count condition={condition} onChange={onChange} label={label} />
			</>
		);
	if ("field" in condition || "trait" in condition) {
		const isField = condition.field !== undefined;
		const test = condition as Test & { field?: LeadField; trait?: string };
		return (
			<>
				<select
					aria-label={`${label}: what`}
					value={isField ? condition.field : "(trait)"}
					onChange={(e) => {
						const { field: _f, trait: _t, ...rest } = test;
						onChange(
							(e.target.value === "(trait)"
								? { ...rest, trait: "industry" }
								: { ...rest, field: e.target.value as LeadField }) as SegmentCondition,
						);
					}}
				>
					{Object.entries(FIELD_WORDS).map(([f, words]) => (
						<option key={f} value={f}>
							{words}
						</option>
					))}
					<option value="(trait)">a trait…</option>
				</select>
				{!isField && (
					<input
						aria-label={`${label}: trait`}
						value={condition.trait ?? ""}
						size={12}
						onChange={(e) => onChange({ ...test, trait: e.target.value } as SegmentCondition)}
					/>
				)}
				<TestControls test={test} label={label} onChange={(t) => onChange(t as SegmentCondition)} />
			</>
		);
	}
	return null;
}

function Count({
	condition,
	onChange,
	label,
}: {
	condition: { op: CountOp; value: number };
	onChange: (c: SegmentCondition) => void;
	label: string;
}) {
	return (
		<>
			<select
				aria-label={`${label}: compared`}
				value={condition.op}
				onChange={(e) => onChange({ ...condition, op: e.target.value as CountOp } as SegmentCondition)}
			>
				{COUNT_OPS.map((op) => (
					<option key={op} value={op}>
						{OP_WORDS[op]}
					</option>
				))}
			</select>
			<input
				type="number"
				min={0}
				aria-label={`${label}: number`}
				value={condition.value}
				style={{ width: "4.5rem" }}
				onChange={(e) => onChange({ ...condition, value: Number(e.target.value) } as SegmentCondition)}
			/>
		</>
	);
}

const NEW_TEST: SegmentCondition = { field: "stage", op: "=", value: "mql" };
const NEW_COUNT: SegmentCondition = {
	count: { type: "page", where: [{ on: "path", op: "^=", value: "/pricing" }] },
	withinDays: 7,
	op: ">=",
	value: 1,
};

/** A group of conditions (all or any of them), each removable, with buttons to add more. */
export function SegmentForm({
	condition,
	onChange,
	segments,
	label = "Condition",
	onRemove,
}: {
	condition: SegmentCondition;
	onChange: (c: SegmentCondition) => void;
	segments: string[];
	label?: string;
	onRemove?: () => void;
}) {
	const negated = "not" in condition;
	const inner = negated ? condition.not : condition;
	const grouped = "all" in inner || "any" in inner;
	const join: "all" | "any" = "any" in inner ? "any" : "all";
	const children: SegmentCondition[] = "all" in inner ? inner.all : "any" in inner ? inner.any : [inner];
	const wrap = (c: SegmentCondition) => (negated ? { not: c } : c);
	const setChildren = (next: SegmentCondition[]) => {
		if (next.length === 0) return onRemove?.();
		onChange(
			wrap(next.length === 1 && !grouped ? (next[0] as SegmentCondition) : ({ [join]: next } as SegmentCondition)),
		);
	};
	const setChild = (i: number, c: SegmentCondition | null) =>
		setChildren(c === null ? children.filter((_, j) => j !== i) : children.map((x, j) => (j === i ? c : x)));
	const add = (c: SegmentCondition) => onChange(wrap({ [join]: [...children, c] } as SegmentCondition));
	return (
		<fieldset className="condition group segment-group">
			<legend className="visually-hidden">{label}</legend>
			<div className="condition">
				<label>
					<span className="visually-hidden">{label}: </span>
					<select
						aria-label={`${label}: match`}
						value={`${negated ? "not " : ""}${join}`}
						onChange={(e) => {
							const [not, how] = e.target.value.startsWith("not ")
								? [true, e.target.value.slice(4) as "all" | "any"]
								: [false, e.target.value as "all" | "any"];
							const group = { [how]: children } as SegmentCondition;
							onChange(not ? { not: group } : group);
						}}
					>
						<option value="all">All of these</option>
						<option value="any">Any of these</option>
						<option value="not all">Not all of these</option>
						<option value="not any">None of these</option>
					</select>
				</label>
				{onRemove && (
					<button type="button" className="quiet small" aria-label={`Remove ${label}`} onClick={onRemove}>
						Remove group
					</button>
				)}
			</div>
			<ul className="segment-conditions">
				{children.map((child, i) => {
					const name = `${label} ${i + 1}`;
					const nested = "all" in child || "any" in child || "not" in child;
					return (
						// biome-ignore lint/suspicious/noArrayIndexKey: a condition has no identity but its place
						<li key={i} className="condition">
							{nested ? (
								<SegmentForm
									condition={child}
									segments={segments}
									label={name}
									onChange={(c) => setChild(i, c)}
									onRemove={() => setChild(i, null)}
								/>
							) : (
								<>
									<Leaf condition={child} segments={segments} label={name} onChange={(c) => setChild(i, c)} />
									<button
										type="button"
										className="quiet small"
										aria-label={`Remove ${name}`}
										onClick={() => setChild(i, null)}
									>
										×
									</button>
								</>
							)}
						</li>
					);
				})}
			</ul>
			<div className="condition">
				<button type="button" className="quiet small" onClick={() => add(NEW_TEST)}>
					+ field or trait
				</button>
				<button type="button" className="quiet small" onClick={() => add(NEW_COUNT)}>
					+ behaviour
				</button>
				<button
					type="button"
					className="quiet small"
					onClick={() => add({ daysSince: "last_seen", op: ">", value: 30 })}
				>
					+ days since
				</button>
				{segments.length > 0 && (
					<button type="button" className="quiet small" onClick={() => add({ inSegment: segments[0] as string })}>
						+ in segment
					</button>
				)}
				<button type="button" className="quiet small" onClick={() => add({ any: [NEW_TEST] })}>
					+ group
				</button>
			</div>
		</fieldset>
	);
}
