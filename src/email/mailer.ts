import nodemailer from "nodemailer";
import type { RenderedEmail } from "./handoff-emails.js";

export interface SendExtras {
	/** header lines to add (List-Unsubscribe and the like); values must already be single lines */
	headers?: Record<string, string>;
	/** the Message-ID to use, so bounces and replies can be matched to the send */
	messageId?: string;
}

export interface Mailer {
	/** the From address, whose domain names the Message-IDs and the unsubscribe mailbox */
	readonly from: string;
	send(to: string, email: RenderedEmail, extras?: SendExtras): Promise<void>;
	close(): void;
}

export interface SmtpOptions {
	/** connections kept open and reused (pooling) */
	connections?: number;
	/** at most this many messages a second (0: as fast as the server takes them) */
	ratePerSecond?: number;
	/** DKIM signing, when a key is configured */
	dkim?: { domainName: string; keySelector: string; privateKey: string } | null;
}

/**
 * An SMTP mailer from a URL (`smtp://user:pass@host:587`, `smtps://…`) with pooled connections,
 * an optional rate limit and DKIM; none when no URL is set.
 */
export function smtpMailer(url: string | null, from: string, options: SmtpOptions = {}): Mailer | null {
	if (!url) return null;
	const pool = new URL(url);
	pool.searchParams.set("pool", "true");
	pool.searchParams.set("maxConnections", String(options.connections ?? 5));
	if (options.ratePerSecond) {
		pool.searchParams.set("rateDelta", "1000");
		pool.searchParams.set("rateLimit", String(options.ratePerSecond));
	}
	const transport = nodemailer.createTransport(pool.toString(), options.dkim ? { dkim: options.dkim } : {});
	return {
		from,
		async send(to, email, extras = {}) {
			await transport.sendMail({
				from,
				to,
				subject: email.subject,
				text: email.text,
				html: email.html,
				...(extras.headers ? { headers: extras.headers } : {}),
				...(extras.messageId ? { messageId: extras.messageId } : {}),
			});
		},
		close: () => transport.close(),
	};
}

/** The domain of a From address such as `Qualify <news@example.com>`. */
export function domainOf(from: string): string {
	const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
	return address.split("@")[1]?.trim() || "localhost";
}
