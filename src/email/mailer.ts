import nodemailer from "nodemailer";
import type { RenderedEmail } from "./handoff-emails.js";

export interface Mailer {
	send(to: string, email: RenderedEmail): Promise<void>;
}

/** An SMTP mailer from a URL (`smtp://user:pass@host:587`, `smtps://…`); none when no URL is set. */
export function smtpMailer(url: string | null, from: string): Mailer | null {
	if (!url) return null;
	const transport = nodemailer.createTransport(url);
	return {
		async send(to, email) {
			await transport.sendMail({ from, to, subject: email.subject, text: email.text, html: email.html });
		},
	};
}
