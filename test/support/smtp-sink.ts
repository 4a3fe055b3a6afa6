import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface Received {
	to: string[];
	mail: ParsedMail;
}

/**
 * A real SMTP server on loopback that keeps what it receives, parsed. `stall` holds every DATA
 * open without an answer (a server that never confirms; `stallFirst` only the first), and
 * `dataStarted` counts DATA begun.
 */
export async function smtpSink(options: { stall?: boolean; stallFirst?: boolean } = {}) {
	const received: Received[] = [];
	const counts = { dataStarted: 0 };
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ["STARTTLS"],
		logger: false,
		closeTimeout: 200,
		onData(stream, session, callback) {
			counts.dataStarted += 1;
			if (options.stall || (options.stallFirst && counts.dataStarted === 1)) {
				stream.resume();
				return; // never answers
			}
			simpleParser(stream)
				.then((mail) => {
					received.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
					callback();
				})
				.catch(callback);
		},
	});
	server.on("error", () => {});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const port = (server.server.address() as AddressInfo).port;
	return {
		url: `smtp://127.0.0.1:${port}`,
		received,
		counts,
		close: () => new Promise<void>((r) => server.close(() => r())),
	};
}
