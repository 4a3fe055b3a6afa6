import { useCallback, useContext, useEffect, useRef, useState } from "react";
import { ApiError, api, type User } from "../api";
import { Link, Navigate } from "../nav";
import { BlockEditor } from "./BlockEditor";
import {
	type Block,
	blocksOf,
	type Document,
	documentOf,
	type Problem,
	problemsOf,
	RULE_LISTS,
	TEMPLATES,
} from "./draft-blocks";
import { canEditModels, type Model, type Sentence } from "./Scoring";

interface Preview {
	leads: number;
	newMqls: number;
	qualifiedNow: number;
	qualifiedAfter: number;
	gradeChanges: number;
	temperatureChanges: number;
	examples: Array<{ id: string; email: string | null; reason: string }>;
}

/** A draft model, edited rule by rule, checked as you type, published after a preview of its effect. */
export function DraftEditor({ id, user }: { id: string; user: User }) {
	const navigate = useContext(Navigate);
	const [model, setModel] = useState<Model | null>(null);
	const [name, setName] = useState("");
	const [description, setDescription] = useState("");
	const [blocks, setBlocks] = useState<Block[]>([]);
	const [problems, setProblems] = useState<Problem[]>([]);
	const [sentences, setSentences] = useState<Sentence[]>([]);
	const [status, setStatus] = useState<string | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [dirty, setDirty] = useState(false);
	const [preview, setPreview] = useState<Preview | null>(null);
	const dialog = useRef<HTMLDialogElement>(null);

	const load = useCallback(async () => {
		const loaded = await api<Model & { document: Document }>("GET", `/v1/scoring-models/${id}`);
		setModel(loaded);
		setName(loaded.document.name);
		setDescription(loaded.document.description ?? "");
		setBlocks(blocksOf(loaded.document));
		setSentences((await api<{ data: Sentence[] }>("GET", `/v1/scoring-models/${id}/sentences`)).data);
		setDirty(false);
	}, [id]);
	useEffect(() => {
		load().catch((e: Error) => setError(e.message));
	}, [load]);

	const editable = model?.status === "draft" && canEditModels(user);
	// Checked as you type: the server's validation, the same that guards saving.
	useEffect(() => {
		if (!dirty) return;
		const timer = setTimeout(async () => {
			const built = documentOf(name, description, blocks);
			if (!built.document) return setProblems(built.problems);
			const report = await api<{ valid: boolean; problems: Problem[] }>(
				"POST",
				"/v1/scoring-models/validate",
				built.document,
			);
			setProblems(report.problems);
		}, 400);
		return () => clearTimeout(timer);
	}, [name, description, blocks, dirty]);

	function edit(key: string, text: string) {
		setBlocks((all) => all.map((b) => (b.key === key ? { ...b, text } : b)));
		setDirty(true);
	}
	function rebuild(change: (document: Document) => void) {
		const built = documentOf(name, description, blocks);
		if (!built.document) return setProblems(built.problems);
		change(built.document);
		setBlocks(blocksOf(built.document));
		setDirty(true);
	}
	async function save(): Promise<boolean> {
		const built = documentOf(name, description, blocks);
		if (!built.document) {
			setProblems(built.problems);
			return false;
		}
		try {
			await api("PUT", `/v1/scoring-models/${id}`, built.document);
			setProblems([]);
			await load();
			setStatus("Draft saved.");
			return true;
		} catch (e) {
			if (e instanceof ApiError && e.problems.length) setProblems(e.problems);
			setError(e instanceof ApiError ? e.message : "The draft could not be saved.");
			return false;
		}
	}
	async function askToPublish() {
		setError(null);
		if (dirty && !(await save())) return;
		setStatus("Scoring every lead under this draft…");
		try {
			setPreview(await api<Preview>("GET", `/v1/scoring-models/${id}/publish-preview`));
			setStatus(null);
			dialog.current?.showModal();
		} catch (e) {
			setError(e instanceof ApiError ? e.message : "The preview failed.");
		}
	}
	async function publish() {
		dialog.current?.close();
		try {
			await api("POST", `/v1/scoring-models/${id}/publish`);
			navigate("/scoring");
		} catch (e) {
			setError(e instanceof ApiError ? e.message : "Publishing failed.");
		}
	}

	if (!model) return error ? <p role="alert">{error}</p> : <p className="loading">Loading…</p>;
	const ruleId = (block: Block) => {
		try {
			return (JSON.parse(block.text) as { id?: string }).id ?? null;
		} catch {
			return null;
		}
	};
	const topProblems = problems.filter((p) => !blocks.some((b) => problemsOf([p], b.key).length));
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
						{model.version ? `, version ${model.version}` : ""})
					</span>
				</h1>
				{editable && (
					<div className="actions">
						<button type="button" className="quiet" onClick={save} disabled={!dirty}>
							Save draft
						</button>
						<button type="button" onClick={askToPublish} disabled={problems.length > 0}>
							Publish…
						</button>
					</div>
				)}
			</div>
			{!editable && (
				<p className="hint">
					{model.status === "draft"
						? `Your role (${user.role}) may read models but not edit them.`
						: "Published models never change: start a new draft to change the rules."}
				</p>
			)}
			{status && <output className="status">{status}</output>}
			{error && <p role="alert">{error}</p>}
			{problems.length > 0 && (
				<output className="error problem-count">
					{problems.length} problem{problems.length > 1 ? "s" : ""} to fix before publishing.
				</output>
			)}
			<div className="block">
				<label>
					Name{" "}
					<input
						value={name}
						readOnly={!editable}
						onChange={(e) => {
							setName(e.target.value);
							setDirty(true);
						}}
					/>
				</label>
				<label>
					Description{" "}
					<input
						value={description}
						readOnly={!editable}
						size={60}
						onChange={(e) => {
							setDescription(e.target.value);
							setDirty(true);
						}}
					/>
				</label>
				{topProblems.map((p) => (
					<p key={p.field + p.message} className="problem">
						{p.field}: {p.message}
					</p>
				))}
			</div>
			{RULE_LISTS.map(([list, title]) => (
				<section key={list}>
					<h2>{title}s</h2>
					{blocks
						.filter((b) => b.key.startsWith(`${list}.`))
						.map((block) => (
							<BlockEditor
								key={block.key}
								block={block}
								problems={problemsOf(problems, block.key)}
								editable={editable}
								sentence={dirty ? null : sentences.find((s) => s.id === ruleId(block))?.text}
								onChange={(text) => edit(block.key, text)}
								onRemove={() =>
									rebuild((d) => {
										(d[list] as unknown[]).splice(Number(block.key.split(".")[1]), 1);
									})
								}
							/>
						))}
					{editable && (
						<button
							type="button"
							className="quiet small"
							onClick={() => rebuild((d) => (d[list] as unknown[]).push(TEMPLATES[list]))}
						>
							+ Add {title.toLowerCase()}
						</button>
					)}
				</section>
			))}
			<section>
				<h2>Bands, lists and qualification</h2>
				{blocks
					.filter((b) => !b.key.includes("."))
					.map((block) => (
						<BlockEditor
							key={block.key}
							block={block}
							problems={problemsOf(problems, block.key)}
							editable={editable}
							onChange={(text) => edit(block.key, text)}
						/>
					))}
			</section>
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
							<ul className="sub">
								{preview.examples.map((x) => (
									<li key={x.id}>
										{x.email ?? x.id}: {x.reason}
									</li>
								))}
							</ul>
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
