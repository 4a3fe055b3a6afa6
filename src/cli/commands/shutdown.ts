/** Runs the cleanup once on SIGINT or SIGTERM; a second signal exits at once. */
export function onShutdown(cleanup: () => Promise<void>) {
	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) process.exit(130);
		stopping = true;
		console.log(`\n${signal}: shutting down…`);
		cleanup().then(
			() => process.exit(0),
			(error: unknown) => {
				console.error(error);
				process.exit(1);
			},
		);
	};
	process.once("SIGINT", () => stop("SIGINT"));
	process.once("SIGTERM", () => stop("SIGTERM"));
}
