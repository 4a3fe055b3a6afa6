import { readFileSync } from "node:fs";
import type { BlockList } from "node:net";
import { resolve } from "node:path";
import { allowListOf } from "../app/outbound-http.js";
import { DEFAULT_OLDEST_EVENT } from "../domain/normalize-message.js";
import type { SmtpOptions } from "../email/mailer.js";

export interface Config {
	databaseUrl: string | null;
	dataDir: string;
	port: number;
	host: string;
	logLevel: string;
	/** private networks webhooks may reach anyway (QUALIFY_WEBHOOK_ALLOW, CIDRs) */
	webhookAllow: BlockList;
	/** SMTP_URL: smtp://user:pass@host:587; without it no e-mail is sent */
	smtpUrl: string | null;
	emailFrom: string;
	/** pooling, rate limit (QUALIFY_SMTP_RATE, messages a second) and DKIM (QUALIFY_DKIM_DOMAIN, _SELECTOR, _KEY_FILE) */
	smtp: SmtpOptions;
	/** where people open Qualify, for links in e-mails */
	publicUrl: string;
	/** QUALIFY_TRUST_PROXY=1: behind a reverse proxy, the client is the address it appended to X-Forwarded-For */
	trustProxy: boolean;
	/** QUALIFY_OLDEST_EVENT: events before this date are refused at ingest (default 2000-01-01) */
	oldestEvent: Date;
}

/** Settings from the environment; one place reads them. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const port = Number.parseInt(env.PORT ?? "8080", 10);
	if (!Number.isInteger(port) || port < 0 || port > 65535)
		throw new Error(`PORT must be a port number, not "${env.PORT}"`);
	return {
		databaseUrl: env.DATABASE_URL || null,
		dataDir: resolve(env.QUALIFY_DATA_DIR ?? ".qualify"),
		port,
		host: env.HOST ?? "0.0.0.0",
		logLevel: env.LOG_LEVEL ?? "info",
		webhookAllow: allowListOf(env.QUALIFY_WEBHOOK_ALLOW),
		smtpUrl: env.SMTP_URL || null,
		emailFrom: env.QUALIFY_EMAIL_FROM ?? "Qualify <qualify@localhost>",
		smtp: smtpOptionsOf(env),
		publicUrl: env.QUALIFY_PUBLIC_URL ?? `http://localhost:${port}`,
		trustProxy: env.QUALIFY_TRUST_PROXY === "1" || env.QUALIFY_TRUST_PROXY === "true",
		oldestEvent: oldestEventOf(env.QUALIFY_OLDEST_EVENT),
	};
}

function smtpOptionsOf(env: NodeJS.ProcessEnv): SmtpOptions {
	const rate = env.QUALIFY_SMTP_RATE ? Number(env.QUALIFY_SMTP_RATE) : 0;
	if (!Number.isFinite(rate) || rate < 0)
		throw new Error(`QUALIFY_SMTP_RATE must be a number of messages a second, not "${env.QUALIFY_SMTP_RATE}"`);
	const { QUALIFY_DKIM_DOMAIN: domainName, QUALIFY_DKIM_SELECTOR: keySelector, QUALIFY_DKIM_KEY_FILE: keyFile } = env;
	if ((domainName || keySelector || keyFile) && !(domainName && keySelector && keyFile))
		throw new Error("DKIM needs all of QUALIFY_DKIM_DOMAIN, QUALIFY_DKIM_SELECTOR and QUALIFY_DKIM_KEY_FILE");
	return {
		ratePerSecond: rate,
		dkim:
			domainName && keySelector && keyFile
				? { domainName, keySelector, privateKey: readFileSync(keyFile, "utf8") }
				: null,
	};
}

function oldestEventOf(value: string | undefined): Date {
	if (!value) return DEFAULT_OLDEST_EVENT;
	const date = new Date(value);
	if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1900)
		throw new Error(`QUALIFY_OLDEST_EVENT must be a date from 1900 on, such as 2015-01-01, not "${value}"`);
	return date;
}
