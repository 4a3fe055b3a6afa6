import { useContext, useEffect, useState } from "react";
import type { RenderedEmail } from "../../../src/schemas/nurture";
import { ApiError, request } from "../api";
import { ErrorNote, failure, OutcomeNote, useOutcome } from "../forms";
import { Navigate } from "../nav";

const STARTER = {
	name: "",
	subject: 'Your guide, {{ lead.first_name | default: "there" }}',
	html: '<p>Hi {{ lead.first_name | default: "there" }},</p>\n<p>Here is the guide you asked for: <a href="https://example.com/guide">read it</a>.</p>\n<p>{{ owner.name | default: "The team" }}</p>\n<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
	text: 'Hi {{ lead.first_name | default: "there" }},\n\nHere is the guide you asked for: https://example.com/guide\n\n{{ owner.name | default: "The team" }}\n\nUnsubscribe: {{ unsubscribe_url }}',
};

/** A template's subject, HTML and text beside a live preview for a chosen lead (or a made-up one). */
export function TemplateEditor({ id }: { id?: string }) {
	const navigate = useContext(Navigate);
	const [draft, setDraft] = useState(STARTER);
	const [leadId, setLeadId] = useState("");
	const [preview, setPreview] = useState<RenderedEmail | null>(null);
	const [problems, setProblems] = useState<string | null>(null);
	const [loadError, setLoadError] = useState<string | null>(null);
	const { outcome, run } = useOutcome();

	useEffect(() => {
		if (!id) return;
		request("GET /v1/templates/:id", { params: { id } }).then(
			(t) => setDraft({ name: t.name, subject: t.subject, html: t.html, text: t.text }),
			(e) => setLoadError(failure(e)),
		);
	}, [id]);

	// the preview follows the typing; a late answer to an older draft is dropped
	useEffect(() => {
		let current = true;
		const timer = setTimeout(() => {
			const lead = /^[0-9a-f-]{36}$/.test(leadId.trim()) ? { leadId: leadId.trim() } : {};
			request("POST /v1/templates/preview", {
				body: { subject: draft.subject, html: draft.html, text: draft.text, ...lead },
			}).then(
				(r) => {
					if (!current) return;
					setPreview(r);
					setProblems(null);
				},
				(e) => {
					if (!current) return;
					setProblems(e instanceof ApiError ? failure(e) : failure(e));
				},
			);
		}, 250);
		return () => {
			current = false;
			clearTimeout(timer);
		};
	}, [draft.subject, draft.html, draft.text, leadId]);

	const field = (key: keyof typeof STARTER) => ({
		value: draft[key],
		onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value }),
	});

	return (
		<section aria-labelledby="template-title">
			<h1 id="template-title">{id ? "Template" : "New template"}</h1>
			<ErrorNote text={loadError} />
			<div className="template-editor">
				<form
					aria-label="Template"
					onSubmit={async (e) => {
						e.preventDefault();
						await run(async () => {
							if (id) await request("PUT /v1/templates/:id", { params: { id }, body: draft });
							else {
								const t = await request("POST /v1/templates", { body: draft });
								navigate(`/nurture/templates/${t.id}`);
							}
						}, "Template saved.");
					}}
				>
					<label>
						Name <input required maxLength={120} {...field("name")} />
					</label>
					<label>
						Subject <input required maxLength={300} {...field("subject")} />
					</label>
					<label>
						HTML <textarea required rows={12} spellCheck={false} className="code" {...field("html")} />
					</label>
					<label>
						Plain text <textarea required rows={8} spellCheck={false} className="code" {...field("text")} />
					</label>
					<p className="hint">
						Fields: <code>lead.first_name</code>, <code>lead.company</code>, <code>lead.traits.&lt;any&gt;</code>,{" "}
						<code>owner.name</code>, <code>account.name</code>, <code>unsubscribe_url</code>. Fallbacks:{" "}
						<code>{'{{ lead.first_name | default: "there" }}'}</code>.
					</p>
					<button type="submit">Save template</button>
					<OutcomeNote outcome={outcome} />
				</form>
				<aside aria-label="Preview" className="template-preview">
					<label>
						Preview for lead (id){" "}
						<input value={leadId} onChange={(e) => setLeadId(e.target.value)} placeholder="a made-up lead" />
					</label>
					<ErrorNote text={problems} />
					{preview && (
						<>
							<p>
								<strong>Subject:</strong> <span data-preview="subject">{preview.subject}</span>
							</p>
							<iframe title="HTML preview" sandbox="" srcDoc={preview.html} className="email-frame" />
							<pre data-preview="text" className="email-text">
								{preview.text}
							</pre>
						</>
					)}
				</aside>
			</div>
		</section>
	);
}
