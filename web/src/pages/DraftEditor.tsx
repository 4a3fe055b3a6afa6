import { useCallback, useContext, useEffect, useRef, useState } from "react";
import type { ModelSentence, PublishPreview, ScoringModel } from "../../../src/schemas/scoring-model";
import { ApiError, request, type User } from "../api";
import { ErrorNote, failure } from "../forms";
import { guardLeaving, Link, Navigate } from "../nav";
import {
	type Document,
	newRule,
	type Problem,
	placeOf,
	problemsOfRule,
	RULE_LISTS,
	type RuleList,
	rulesOf,
	SENTENCE_SECTION,
} from "./draft-rules";
import { ModelSettings } from "./ModelSettings";
import { RuleEditor } from "./RuleEditor";
import { canEditModels } from "./Scoring";

/** Keys that stay with a rule while rules are added and removed around it. */
const keysFor = (document: Document) =>
	Object.fromEntries(
		RULE_LISTS.map(([list]) => [list, rulesOf(document, list).map(() => crypto.randomUUID())]),
	) as Record<RuleList, string[]>;

/** Leads a publish changes, linked to their pages. */
function LeadLinks({ leads }: { leads: PublishPreview["examples"] }) {
	return (
		<ul className="sub">
			{leads.map((x) => (
				<li key={x.id}>
					<a href={`/leads/${x.id}`} target="_blank" rel="noreferrer">
						{x.email ?? x.id}
					</a>
					: {x.reason}
				</li>
			))}
		</ul>
	);
}

/**
 * A draft model, edited rule by rule with forms (or each rule's JSON), checked as you type with
 * each rule's sentence beside it, published after a preview of its effect.
 */
export function DraftEditor({ id, user }: { id: string; user: User }) {
	const navigate = useContext(Navigate);
	const [model, setModel] = useState<ScoringModel | null>(null);
	const [document, setDocument] = useState<Document | null>(null);
	const [keys, setKeys] = useState<Record<RuleList, string[]> | null>(null);
	const [problems, setProblems] = useState<Problem[]>([]);
	const [sentences, setSentences] = useState<ModelSentence[]>([]);
	const [status, setStatus] = useState<string | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [dirty, setDirty] = useState(false);
	const [preview, setPreview] = useState<PublishPreview | null>(null);
	const dialog = useRef<HTMLDialogElement>(null);

	const load = useCallback(async () => {
		const loaded = await request("GET /v1/scoring-models/:id", { params: { id } });
		setModel(loaded);
		setDocument(loaded.document);
		setKeys(keysFor(loaded.document));
		setSentences((await request("GET /v1/scoring-models/:id/sentences", { params: { id } })).data);
		setDirty(false);
	}, [id]);
	useEffect(() => {
		load().catch((e) => setError(failure(e)));
	}, [load]);
	useEffect(() => {
		guardLeaving(() => (dirty ? "This draft has unsaved edits. Leave and lose them?" : null));
		return () => guardLeaving(null);
	}, [dirty]);

	const editable = model?.status === "draft" && canEditModels(user);
	// Checked as you type by the server's own validation, which also gives the sentences; while a
	// rule is broken, the sentences from the last good check stay beside their rules.
	useEffect(() => {
		if (!dirty || !document) return;
		const timer = setTimeout(async () => {
			try {
				const check = await request("POST /v1/scoring-models/validate", { body: document });
				setProblems(check.problems);
				if (check.sentences.length > 0) setSentences(check.sentences);
			} catch (e) {
				setError(failure(e));
			}
		}, 350);
		return () => clearTimeout(timer);
	}, [document, dirty]);

	function change(next: Document) {
		setDocument(next);
		setDirty(true);
		setStatus(null);
	}
	function changeRule(list: RuleList, index: number, rule: Record<string, unknown> | null) {
		if (!document || !keys) return;
		const rules = [...rulesOf(document, list)];
		if (rule) rules[index] = rule;
		else {
			rules.splice(index, 1);
			setKeys({ ...keys, [list]: keys[list].filter((_, i) => i !== index) });
		}
		change({ ...document, [list]: rules });
	}
	function addRule(list: RuleList) {
		if (!document || !keys) return;
		const taken = new Set(rulesOf(document, list).map((r) => String(r.id)));
		change({ ...document, [list]: [...rulesOf(document, list), newRule(list, taken)] });
		setKeys({ ...keys, [list]: [...keys[list], crypto.randomUUID()] });
	}
	async function save(): Promise<boolean> {
		if (!document) return false;
		setError(null);
		try {
			await request("PUT /v1/scoring-models/:id", { params: { id }, body: document });
			setProblems([]);
			await load();
			setStatus("Draft saved.");
			return true;
		} catch (e) {
			if (e instanceof ApiError && e.problems.length) setProblems(e.problems);
			setError(failure(e));
			return false;
		}
	}
	async function askToPublish() {
		setError(null);
		if (dirty && !(await save())) return;
		setStatus("Scoring every lead under this draft…");
		try {
			setPreview(await request("GET /v1/scoring-models/:id/publish-preview", { params: { id } }));
			setStatus(null);
			dialog.current?.showModal();
		} catch (e) {
			setStatus(null);
			setError(failure(e));
		}
	}
	async function publish() {
		dialog.current?.close();
		try {
			const published = await request("POST /v1/scoring-models/:id/publish", { params: { id } });
			setDirty(false);
			guardLeaving(null);
			navigate(`/scoring?published=${published.version}`);
		} catch (e) {
			setError(failure(e));
		}
	}
	async function remove() {
		if (!model || !window.confirm(`Delete the draft “${model.name}”? Its edits are lost.`)) return;
		try {
			await request("DELETE /v1/scoring-models/:id", { params: { id } });
			guardLeaving(null);
			setDirty(false);
			navigate("/scoring");
		} catch (e) {
			setError(failure(e));
		}
	}

	if (!model || !document || !keys) return error ? <ErrorNote text={error} /> : <p className="loading">Loading…</p>;
	const listNames = Object.keys(document.lists ?? {});
	const sentenceOf = (list: RuleList, ruleId: unknown) =>
		sentences.find((s) => s.section === SENTENCE_SECTION[list] && s.id === ruleId)?.text ?? null;
	const ruleProblems = /^(fit|engagement|handRaisers|disqualifiers)\.\d+/;
	const otherProblems = problems.filter((p) => !ruleProblems.test(p.field));
	return (
		<article className="editor">
			<p>
				<Link to="/scoring">← Scoring</Link>
			</p>
			<div className="title-row">
				<h1>
					{model.name}{" "}
					<span className="sub">
						({model.status}
						{model.version ? `, version ${model.version}` : ""}
						{model.publishedBy ? `, published by ${model.publishedBy}` : ""}
						{model.publishedAt ? ` on ${new Date(model.publishedAt).toLocaleDateString()}` : ""})
					</span>
				</h1>
				{editable && (
					<div className="actions">
						<button type="button" className="quiet" onClick={save} disabled={!dirty}>
							Save draft
						</button>
						<button
							type="button"
							className="quiet"
							disabled={dirty || problems.length > 0}
							title={dirty ? "Save the draft first" : undefined}
							onClick={() => navigate(`/scoring/${id}/backtest`)}
						>
							Backtest…
						</button>
						<button type="button" onClick={askToPublish} disabled={problems.length > 0}>
							Publish…
						</button>
						<button type="button" className="quiet" onClick={remove}>
							Delete draft
						</button>
					</div>
				)}
			</div>
			{!editable && (
				<p className="hint">
					{model.status === "draft"
						? `Your role (${user.role}) may read models but not edit them.`
						: "Published models never change: start a new draft from it to change the rules."}
				</p>
			)}
			{status && <output className="status">{status}</output>}
			{dirty && !status && <p className="sub unsaved">Unsaved edits.</p>}
			<ErrorNote text={error} />
			{problems.length > 0 && (
				<section className="error problem-count" aria-live="polite">
					{problems.length} problem{problems.length > 1 ? "s" : ""} to fix before publishing:
					<ul>
						{problems.slice(0, 8).map((p) => (
							<li key={p.field + p.message}>
								{placeOf(p.field)}: {p.message}
							</li>
						))}
					</ul>
				</section>
			)}
			<ModelSettings document={document} editable={editable} problems={otherProblems} onChange={change} />
			{RULE_LISTS.map(([list, title, heading]) => (
				<section key={list} aria-label={heading}>
					<h2>{heading}</h2>
					{rulesOf(document, list).map((rule, i) => (
						<RuleEditor
							key={keys[list][i] ?? i}
							list={list}
							title={`${title} ${i + 1}`}
							rule={rule}
							problems={problemsOfRule(problems, list, i)}
							sentence={sentenceOf(list, rule.id)}
							editable={editable}
							lists={listNames}
							onChange={(next) => changeRule(list, i, next)}
							onRemove={() => changeRule(list, i, null)}
						/>
					))}
					{editable && (
						<button type="button" className="quiet small" onClick={() => addRule(list)}>
							+ Add {title.toLowerCase()}
						</button>
					)}
				</section>
			))}
			<dialog ref={dialog} aria-labelledby="publish-title">
				<h2 id="publish-title">Publish “{model.name}”?</h2>
				{preview && (
					<>
						<p className="big" data-testid="stage-changes">
							{preview.newMqls.toLocaleString()} lead{preview.newMqls === 1 ? "" : "s"} will become MQLs
						</p>
						<p>
							and be handed to sales now. Of {preview.leads.toLocaleString()} leads, {preview.qualifiedNow} qualify
							today and {preview.qualifiedAfter} will; {preview.gradeChanges} change grade and{" "}
							{preview.temperatureChanges} change temperature. Leads already past MQL keep their stage.
						</p>
						{preview.examples.length > 0 && (
							<>
								<h3>Will become MQLs</h3>
								<LeadLinks leads={preview.examples} />
							</>
						)}
						{preview.stopping.length > 0 && (
							<>
								<h3>Qualify today and will stop</h3>
								<LeadLinks leads={preview.stopping} />
							</>
						)}
					</>
				)}
				<div className="actions">
					<button type="button" onClick={publish}>
						Publish
					</button>
					<button type="button" className="quiet" onClick={() => dialog.current?.close()}>
						Cancel
					</button>
				</div>
			</dialog>
		</article>
	);
}
