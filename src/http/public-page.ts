import { escapeHtml } from "../email/escape.js";

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}input,select,textarea{font:inherit;width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #8a949e;border-radius:6px}
input[type=checkbox]{width:auto;margin-right:.5rem}.check{display:flex;align-items:flex-start;font-weight:400}
.problem{color:#a4161a;margin:.25rem 0}.trap{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
button{font:inherit;margin-top:1rem;padding:.6rem 1.2rem;border:0;border-radius:6px;background:#1f5fbf;color:#fff;cursor:pointer}
.muted{color:#59636e}`;

/**
 * A page people reach without signing in (a hosted form, an unsubscribe link): plain HTML that
 * works without JavaScript; `body` must already be escaped, the title is escaped here.
 */
export function publicPage(title: string, body: string): string {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}
