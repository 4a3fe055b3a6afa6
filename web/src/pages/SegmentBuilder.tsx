import { type FormEvent, useContext, useEffect, useRef, useState } from "react";
import type { SegmentCondition, SegmentPreview, StartingSegment } from "../../../src/schemas/segments";
import { ApiError, request } from "../api";
import { ErrorNote, failure } from "../forms";
import { Link, Navigate } from "../nav";
import { SegmentForm } from "./SegmentForm";

/** Which side the person changed last: the other side follows it. */
type Source = { from: "text"; text: string } | { from: "form"; condition: SegmentCondition };

/**
 * The segment builder: the condition as text and as a form side by side, each following the
 * other, with the segment's size and a few of its leads as one types. New, or editing `id`.
 */
export function SegmentBuilder({ id }: { id?: string }) {
	const navigate = useContext(Navigate);
	const [name, setName] = useState("");
	const [text, setText] = useState("");
	const [condition, setCondition] = useState<SegmentCondition | null>(null);
	const [source, setSource] = useState<Source | null>(null);
	const [preview, setPreview] = useState<SegmentPreview | null>(null);
	const [mistake, setMistake] = useState<string | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	const [templates, setTemplates] = useState<StartingSegment[]>([]);
	const [segments, setSegments] = useState<string[]>([]);
	const asked = useRef(0);

	useEffect(() => {
		request("GET /v1/segments").then(
			(r) => setSegments(r.data.filter((s) => s.id !== id).map((s) => s.name)),
			() => setSegments([]),
		);
		if (id)
			request("GET /v1/segments/:id", { params: { id } }).then(
				(s) => {
					setName(s.name);
					setText(s.text ?? "");
					setSource({ from: "text", text: s.text ?? "" });
				},
				(e) => setError(failure(e)),
			);
		else
			request("GET /v1/segments/templates").then(
				(r) => setTemplates(r.data),
				() => setTemplates([]),
			);
	}, [id]);

	// Each change is sent for a preview a moment after the typing stops; an older answer that
	// arrives late is dropped.
	useEffect(() => {
		if (!source) return;
		const ask = ++asked.current;
		const timer = setTimeout(
			async () => {
				if (source.from === "text" && source.text.trim() === "") {
					setPreview(null);
					setCondition(null);
					setMistake(null);
					return;
				}
				try {
					const body =
						source.from === "text" ? { text: source.text, sample: 8 } : { condition: source.condition, sample: 8 };
					const answer = await request("POST /v1/segments/preview", { body });
					if (ask !== asked.current) return;
					setPreview(answer);
					setMistake(null);
					if (source.from === "text") setCondition(answer.condition);
					else setText(answer.text);
				} catch (e) {
					if (ask !== asked.current) return;
					setMistake(
						e instanceof ApiError && e.problems.length > 0 ? e.problems.map((p) => p.message).join("; ") : failure(e),
					);
				}
			},
			source.from === "text" ? 300 : 150,
		);
		return () => clearTimeout(timer);
	}, [source]);

	async function save(event: FormEvent) {
		event.preventDefault();
		setBusy(true);
		setError(null);
		try {
			const saved = id
				? await request("PATCH /v1/segments/:id", { params: { id }, body: { name, text } })
				: await request("POST /v1/segments", { body: { name, text } });
			navigate(`/segments/${saved.id}`);
		} catch (e) {
			setError(failure(e));
		} finally {
			setBusy(false);
		}
	}

	const typed = (value: string) => {
		setText(value);
		setSource({ from: "text", text: value });
	};
	const formChanged = (c: SegmentCondition) => {
		setCondition(c);
		setSource({ from: "form", condition: c });
	};

	return (
		<section aria-labelledby="builder-title" className="segment-builder">
			<p className="sub">
				<Link to="/segments">Segments</Link> ›
			</p>
			<h1 id="builder-title">{id ? `Edit ${name || "segment"}` : "New segment"}</h1>
			{!id && templates.length > 0 && (
				<details className="templates" open={text === ""}>
					<summary>Start from one of these</summary>
					<ul className="template-list">
						{templates.map((t) => (
							<li key={t.name}>
								<button
									type="button"
									className="link"
									onClick={() => {
										setName(t.name);
										typed(t.text);
									}}
								>
									{t.name}
								</button>{" "}
								<span className="sub">{t.why}</span>
							</li>
						))}
					</ul>
				</details>
			)}
			<form onSubmit={save} aria-label="Segment">
				<label htmlFor="segment-name">Name</label>
				<input id="segment-name" required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
				<div className="builder">
					<div>
						<label htmlFor="segment-text">Condition as text</label>
						<textarea
							id="segment-text"
							rows={6}
							spellCheck={false}
							value={text}
							aria-invalid={mistake !== null}
							aria-describedby="segment-mistake segment-help"
							placeholder='stage = mql and country in ("DE", "AT") and count(page where path ^= "/pricing", 7d) >= 3'
							onChange={(e) => typed(e.target.value)}
						/>
						<output id="segment-mistake" className={mistake ? "error" : "visually-hidden"}>
							{mistake ?? ""}
						</output>
						<p id="segment-help" className="hint">
							<code>and</code> binds before <code>or</code>;{" "}
							<code>count(page|track "Name"|touch "call" where …, 7d)</code>, <code>days_since(stage_changed)</code>,{" "}
							<code>in_segment("Name")</code>; any other name is a trait.
						</p>
					</div>
					<div>
						<p className="label" id="form-view">
							The same, as a form
						</p>
						{condition ? (
							<SegmentForm condition={condition} onChange={formChanged} segments={segments} />
						) : (
							<p className="hint">
								Type a condition, or{" "}
								<button
									type="button"
									className="link"
									onClick={() => formChanged({ all: [{ field: "stage", op: "=", value: "mql" }] })}
								>
									start with the form
								</button>
								.
							</p>
						)}
					</div>
				</div>
				<div className="preview" aria-live="polite">
					{preview && !mistake ? (
						<>
							<p>
								<strong className="big" data-count={preview.count}>
									{preview.count.toLocaleString()}
								</strong>{" "}
								{preview.count === 1 ? "lead matches" : "leads match"} now
								{preview.sample.length > 0 ? ", the most recently active:" : "."}
							</p>
							<ul className="sample">
								{preview.sample.map((l) => (
									<li key={l.id}>
										<Link to={`/leads/${l.id}`}>{l.email ?? l.id}</Link> <span className="sub">{l.stage}</span>
									</li>
								))}
							</ul>
						</>
					) : (
						<p className="hint">The size and some members show here as you type.</p>
					)}
				</div>
				<ErrorNote text={error} />
				<button type="submit" disabled={busy || mistake !== null || text.trim() === ""}>
					{busy ? "Saving…" : id ? "Save changes" : "Save segment"}
				</button>
			</form>
		</section>
	);
}
