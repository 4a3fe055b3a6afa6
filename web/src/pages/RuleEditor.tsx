import { useState } from "react";
import type { Cap, Condition, EventMatch } from "../../../src/schemas/scoring-model";
import { CAP_WORDS, entriesOf } from "../words";
import { ConditionEditor } from "./ConditionEditor";
import { EVENT_FIELDS, LEAD_FIELDS, type Problem, type RuleList } from "./draft-rules";

type Rule = Record<string, unknown>;
const EVENT_TYPES = ["track", "page", "screen", "identify", "group", "alias"] as const;
const KINDS: Array<[string, string]> = [
	["event", "each matching event"],
	["count", "at least N matching events within days"],
	["sequence", "matching events in order within days"],
	["inactivity", "no activity for days"],
];

/** A rule with one key set, or taken out when the value is undefined: nothing else changes. */
function withKey(rule: Rule, key: string, value: unknown): Rule {
	const next = { ...rule };
	if (value === undefined) delete next[key];
	else next[key] = value;
	return next;
}

const splitList = (text: string) =>
	text
		.split(",")
		.map((s) => s.trim())
		.filter(Boolean);

/** Which events a rule counts: by name, by type, and a condition on the event. */
function EventMatchEditor({
	value,
	onChange,
	readOnly,
	lists,
}: {
	value: EventMatch;
	onChange: (match: EventMatch) => void;
	readOnly: boolean;
	lists: string[];
}) {
	const match = value as Rule;
	const set = (key: string, v: unknown) => onChange(withKey(match, key, v) as EventMatch);
	const event = match.event;
	const type = match.type;
	return (
		<div className="event-match">
			<label>
				Event{" "}
				<input
					readOnly={readOnly}
					placeholder="any"
					value={Array.isArray(event) ? event.join(", ") : ((event as string | undefined) ?? "")}
					onChange={(e) => {
						const names = splitList(e.target.value);
						set(
							"event",
							names.length === 0 ? undefined : names.length === 1 && !Array.isArray(event) ? names[0] : names,
						);
					}}
				/>
			</label>
			{Array.isArray(type) ? (
				<label>
					Types{" "}
					<input readOnly={readOnly} value={type.join(", ")} onChange={(e) => set("type", splitList(e.target.value))} />
				</label>
			) : (
				<label>
					Type{" "}
					<select
						disabled={readOnly}
						value={(type as string | undefined) ?? ""}
						onChange={(e) => set("type", e.target.value || undefined)}
					>
						<option value="">any</option>
						{EVENT_TYPES.map((t) => (
							<option key={t} value={t}>
								{t}
							</option>
						))}
					</select>
				</label>
			)}
			{match.where ? (
				<div className="wide">
					<span className="label">where</span>
					<ConditionEditor
						value={match.where as Condition}
						fields={EVENT_FIELDS}
						lists={lists}
						readOnly={readOnly}
						onChange={(where) => set("where", where)}
						onRemove={() => set("where", undefined)}
					/>
				</div>
			) : (
				!readOnly && (
					<button
						type="button"
						className="quiet small"
						onClick={() => set("where", { field: "path", op: "startsWith", value: "/" })}
					>
						+ where
					</button>
				)
			)}
		</div>
	);
}

/** A number input for a setting that may be off (null): empty means off. */
function OptionalDays({
	label,
	rule,
	name,
	readOnly,
	onChange,
}: {
	label: string;
	rule: Rule;
	name: string;
	readOnly: boolean;
	onChange: (rule: Rule) => void;
}) {
	const value = rule[name];
	return (
		<label>
			{label}{" "}
			<input
				type="number"
				min={0}
				step="any"
				readOnly={readOnly}
				placeholder="off"
				value={typeof value === "number" ? value : ""}
				onChange={(e) =>
					onChange(
						withKey(rule, name, e.target.value === "" ? (name in rule ? null : undefined) : Number(e.target.value)),
					)
				}
			/>{" "}
			days
		</label>
	);
}

/** The fields of a rule, by the kind of rule it is. */
function RuleForm({
	list,
	rule,
	onChange,
	readOnly,
	lists,
}: {
	list: RuleList;
	rule: Rule;
	onChange: (rule: Rule) => void;
	readOnly: boolean;
	lists: string[];
}) {
	const set = (key: string, value: unknown) => onChange(withKey(rule, key, value));
	const number = (key: string, label: string, suffix = "") => (
		<label>
			{label}{" "}
			<input
				type="number"
				step="any"
				readOnly={readOnly}
				value={typeof rule[key] === "number" ? (rule[key] as number) : ""}
				onChange={(e) => set(key, Number(e.target.value))}
			/>
			{suffix}
		</label>
	);
	const kind = (rule.kind as string | undefined) ?? "event";
	return (
		<div className="rule-form">
			<label>
				Id{" "}
				<input
					readOnly={readOnly}
					value={String(rule.id ?? "")}
					onChange={(e) => set("id", e.target.value)}
					size={18}
				/>
			</label>
			<label className="wide">
				Why{" "}
				<input
					readOnly={readOnly}
					value={String(rule.reason ?? "")}
					onChange={(e) => set("reason", e.target.value)}
					size={50}
				/>
			</label>
			{list === "engagement" && (
				<label>
					Counts{" "}
					<select
						disabled={readOnly}
						value={kind}
						onChange={(e) => {
							const { id, reason, points } = rule;
							const when = rule.when ?? (Array.isArray(rule.steps) ? rule.steps[0] : { event: "Page Viewed" });
							const base = { kind: e.target.value, id, reason, points };
							onChange(
								e.target.value === "inactivity"
									? { ...base, days: 30 }
									: e.target.value === "sequence"
										? { ...base, steps: [when, when], withinDays: 7 }
										: e.target.value === "count"
											? { ...base, when, atLeast: 3, withinDays: 7 }
											: { ...base, when },
							);
						}}
					>
						{KINDS.map(([value, words]) => (
							<option key={value} value={value}>
								{words}
							</option>
						))}
					</select>
				</label>
			)}
			{(list === "fit" || list === "engagement") && number("points", "Points")}
			{(list === "fit" || list === "disqualifiers") && (
				<div className="wide">
					<span className="label">When the lead</span>
					<ConditionEditor
						value={rule.if as Condition}
						fields={LEAD_FIELDS}
						lists={lists}
						readOnly={readOnly}
						onChange={(condition) => set("if", condition)}
					/>
				</div>
			)}
			{(list === "handRaisers" || (list === "engagement" && (kind === "event" || kind === "count"))) && (
				<div className="wide">
					<span className="label">Events</span>
					<EventMatchEditor
						value={rule.when as EventMatch}
						lists={lists}
						readOnly={readOnly}
						onChange={(when) => set("when", when)}
					/>
				</div>
			)}
			{list === "engagement" && kind === "sequence" && (
				<ol className="wide steps">
					{((rule.steps as EventMatch[] | undefined) ?? []).map((step, i, steps) => (
						// biome-ignore lint/suspicious/noArrayIndexKey: a step's place is its identity
						<li key={i}>
							<EventMatchEditor
								value={step}
								lists={lists}
								readOnly={readOnly}
								onChange={(next) =>
									set(
										"steps",
										steps.map((s, j) => (j === i ? next : s)),
									)
								}
							/>
							{!readOnly && steps.length > 2 && (
								<button
									type="button"
									className="quiet small"
									onClick={() =>
										set(
											"steps",
											steps.filter((_, j) => j !== i),
										)
									}
								>
									Remove step
								</button>
							)}
						</li>
					))}
					{!readOnly && (
						<button
							type="button"
							className="quiet small"
							onClick={() => set("steps", [...((rule.steps as EventMatch[]) ?? []), { event: "Page Viewed" }])}
						>
							+ step
						</button>
					)}
				</ol>
			)}
			{list === "engagement" && kind === "count" && number("atLeast", "At least", " events")}
			{list === "engagement" && (kind === "count" || kind === "sequence") && number("withinDays", "Within", " days")}
			{list === "engagement" && kind === "inactivity" && number("days", "After", " days without activity")}
			{list === "engagement" && kind !== "inactivity" && (
				<>
					<label>
						Counts{" "}
						<select
							disabled={readOnly}
							value={(rule.cap as Cap | undefined) ?? "none"}
							onChange={(e) => set("cap", e.target.value === "none" && !("cap" in rule) ? undefined : e.target.value)}
						>
							{entriesOf(CAP_WORDS).map(([value, words]) => (
								<option key={value} value={value}>
									{words}
								</option>
							))}
						</select>
					</label>
					<OptionalDays
						label="Points halve every"
						rule={rule}
						name="halfLifeDays"
						readOnly={readOnly}
						onChange={onChange}
					/>
					<OptionalDays label="Only the last" rule={rule} name="windowDays" readOnly={readOnly} onChange={onChange} />
				</>
			)}
		</div>
	);
}

/**
 * One rule of a draft: a form for its kind, or its JSON (the advanced view), the two kept in step;
 * its sentence and its problems beside it, named from 1 as its title is.
 */
export function RuleEditor({
	list,
	title,
	rule,
	problems,
	sentence,
	editable,
	lists,
	onChange,
	onRemove,
}: {
	list: RuleList;
	title: string;
	rule: Rule;
	problems: Problem[];
	sentence: string | null;
	editable: boolean;
	lists: string[];
	onChange: (rule: Rule) => void;
	onRemove: () => void;
}) {
	const [view, setView] = useState<"form" | "json">("form");
	const [text, setText] = useState<string | null>(null);
	const [jsonError, setJsonError] = useState<string | null>(null);
	const json = text ?? JSON.stringify(rule, null, 2);
	return (
		<div className={`rule-card${problems.length ? " invalid" : ""}`} data-rule-card={`${list}.${title}`}>
			<div className="rule-head">
				<h3>
					{title} <code className="sub">{String(rule.id ?? "")}</code>
				</h3>
				<fieldset className="actions view-toggle">
					<legend className="visually-hidden">View of {title}</legend>
					<button
						type="button"
						className={view === "form" ? "small" : "quiet small"}
						aria-pressed={view === "form"}
						disabled={jsonError !== null}
						onClick={() => {
							setView("form");
							setText(null);
						}}
					>
						Form
					</button>
					<button
						type="button"
						className={view === "json" ? "small" : "quiet small"}
						aria-pressed={view === "json"}
						onClick={() => setView("json")}
					>
						JSON
					</button>
					{editable && (
						<button type="button" className="quiet small" onClick={onRemove} aria-label={`Remove ${title}`}>
							Remove
						</button>
					)}
				</fieldset>
			</div>
			<div className="rule-body">
				{view === "form" ? (
					<RuleForm list={list} rule={rule} onChange={onChange} readOnly={!editable} lists={lists} />
				) : (
					<textarea
						aria-label={`${title} as JSON`}
						value={json}
						readOnly={!editable}
						spellCheck={false}
						rows={Math.min(18, json.split("\n").length + 1)}
						onChange={(e) => {
							setText(e.target.value);
							try {
								onChange(JSON.parse(e.target.value));
								setJsonError(null);
							} catch (error) {
								setJsonError(`Not valid JSON: ${(error as Error).message}`);
							}
						}}
					/>
				)}
				<div className="beside">
					{sentence && <p className="sentence">{sentence}</p>}
					{jsonError && <p className="problem">{jsonError}</p>}
					{problems.length > 0 && (
						<ul className="problems">
							{problems.map((p) => (
								<li key={p.field + p.message}>
									{p.field && <code>{p.field}</code>} {p.message}
								</li>
							))}
						</ul>
					)}
				</div>
			</div>
		</div>
	);
}
