import type { OpenAPIHono } from "@hono/zod-openapi";
import { recordEmailActivity, unsubscribe, unsubscribeTarget } from "../app/nurture/email-activity.js";
import type { Clock } from "../domain/clock.js";
import { escapeHtml } from "../email/escape.js";
import type { Db } from "../storage/database.js";
import type { AuthEnv } from "./auth.js";
import { publicPage } from "./public-page.js";

// a 1×1 transparent GIF
const PIXEL = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

const NOT_GOOD = publicPage(
	"Link not valid",
	"<h1>This link is not valid</h1><p>It may have been changed or cut short. Use the link in the e-mail as it came.</p>",
);

/**
 * The public links in e-mails: one-click unsubscribe (RFC 8058: a POST with no sign-in; a GET
 * shows a page to confirm), the open pixel and the signed click redirect. No API key: the signed
 * token in the path is the only permission, and it names one send and one use.
 */
export function registerEmailLinkRoutes(app: OpenAPIHono<AuthEnv>, db: Db, clock: Clock) {
	app.get("/email/unsubscribe/:token", async (c) => {
		const target = await unsubscribeTarget(db, c.req.param("token"));
		if (!target) return c.html(NOT_GOOD, 404);
		const suppressed = target.email
			? await db.selectFrom("suppressions").select("reason").where("email", "=", target.email).executeTakeFirst()
			: undefined;
		const address = escapeHtml(target.email ?? "this address");
		return c.html(
			suppressed
				? publicPage("Unsubscribed", `<h1>You are unsubscribed</h1><p>${address} gets no more of these e-mails.</p>`)
				: publicPage(
						"Unsubscribe",
						`<h1>Unsubscribe ${address}?</h1><p>You will get no more marketing e-mails from us. E-mails you ask for (a receipt, a password reset) still come.</p>
<form method="post"><button type="submit">Unsubscribe from all marketing e-mail</button></form>
${
	target.sequence
		? `<h2>Or only stop this series</h2><p>Stop “${escapeHtml(target.sequence)}” and keep hearing from us otherwise.</p>
<form method="post"><input type="hidden" name="scope" value="sequence"><button type="submit">Stop only this series</button></form>`
		: ""
}
<p class="muted">Changed your mind? Just close this page.</p>`,
					),
		);
	});
	app.post("/email/unsubscribe/:token", async (c) => {
		// RFC 8058's one-click POST carries "List-Unsubscribe=One-Click": everything; the page may ask for one series
		const form = (c.req.header("content-type") ?? "").includes("form") ? await c.req.parseBody() : {};
		const scope = form.scope === "sequence" ? "sequence" : "all";
		const done = await unsubscribe(db, c.req.param("token"), clock.now(), scope);
		if (!done) return c.html(NOT_GOOD, 404);
		if (done.sequence)
			return c.html(
				publicPage(
					"Series stopped",
					`<h1>That series is stopped</h1><p>${escapeHtml(done.email ?? "This address")} gets no more of “${escapeHtml(done.sequence)}”.</p>`,
				),
			);
		return c.html(
			publicPage(
				"Unsubscribed",
				`<h1>You are unsubscribed</h1><p>${escapeHtml(done.email ?? "This address")} gets no more of these e-mails.</p>`,
			),
		);
	});
	app.get("/email/open/:file", async (c) => {
		const token = c.req.param("file").replace(/\.gif$/, "");
		await recordEmailActivity(db, {
			kind: "open",
			token,
			userAgent: c.req.header("user-agent") ?? null,
			now: clock.now(),
		});
		// the pixel comes back whatever the token: a mail client shows nothing either way
		return c.body(PIXEL, 200, { "content-type": "image/gif", "cache-control": "no-store, private" });
	});
	app.get("/email/click/:token", async (c) => {
		const url = c.req.query("url");
		const recorded = await recordEmailActivity(db, {
			kind: "click",
			token: c.req.param("token"),
			url: url ?? "",
			userAgent: c.req.header("user-agent") ?? null,
			now: clock.now(),
		});
		// only to the address the token was signed for: never an open redirect
		if (!recorded?.url) return c.html(NOT_GOOD, 404);
		return c.redirect(recorded.url, 302);
	});
}
