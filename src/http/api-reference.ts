import { html } from "hono/html";

type Document = ReturnType<import("@hono/zod-openapi").OpenAPIHono["getOpenAPI31Document"]>;
type Operation = {
	summary?: string;
	description?: string;
	tags?: string[];
	parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: unknown }[];
	requestBody?: { content?: Record<string, { schema?: unknown }> };
	responses?: Record<string, { description?: string }>;
};

const METHODS = ["get", "post", "patch", "put", "delete"] as const;

/** A readable, self-contained API reference rendered from the OpenAPI document (no CDN). */
export function renderApiReference(doc: Document) {
	const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
		METHODS.flatMap((method) => {
			const operation = (item as Record<string, Operation | undefined>)[method];
			return operation ? [{ path, method, operation }] : [];
		}),
	);
	return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${doc.info.title} reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem 2rem;color:#1d2330}
h2{margin-top:2.5rem;border-bottom:1px solid #dde}code,pre{font:13px ui-monospace,monospace;background:#f4f5f8;border-radius:4px}
pre{padding:.75rem;overflow:auto;max-height:24rem}.m{display:inline-block;width:4.5rem;font-weight:600;text-transform:uppercase}
.get{color:#17663a}.post{color:#1a4fa0}.patch{color:#8a5a00}.delete{color:#a11}table{border-collapse:collapse}
td,th{border:1px solid #dde;padding:.25rem .5rem;text-align:left;vertical-align:top}
</style></head><body>
<h1>${doc.info.title} <small>${doc.info.version}</small></h1>
<p>${doc.info.description ?? ""}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
${operations.map(
	({
		path,
		method,
		operation,
	}) => html`<h2 id="${method}-${path}"><span class="m ${method}">${method}</span><code>${path}</code></h2>
<p><strong>${operation.summary ?? ""}</strong></p><p>${operation.description ?? ""}</p>
${
	operation.parameters?.length
		? html`<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>
${operation.parameters.map(
	(p) =>
		html`<tr><td><code>${p.name}</code></td><td>${p.in}</td><td>${p.required ? "yes" : "no"}</td><td><code>${JSON.stringify(p.schema)}</code></td></tr>`,
)}</table>`
		: ""
}
${
	operation.requestBody?.content
		? html`<p>Body:</p><pre>${JSON.stringify(Object.values(operation.requestBody.content)[0]?.schema, null, 2)}</pre>`
		: ""
}
<p>Responses: ${Object.entries(operation.responses ?? {}).map(([status, r]) => html`<code>${status}</code> ${r.description ?? ""}; `)}</p>`,
)}
<h2>Schemas</h2><pre>${JSON.stringify(doc.components?.schemas ?? {}, null, 2)}</pre>
</body></html>`;
}
