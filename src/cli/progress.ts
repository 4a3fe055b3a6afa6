/**
 * Progress for long commands: rewritten in place on a terminal, and a line every few
 * seconds otherwise (logs, CI), so that a pipe still shows the work moving.
 */
export function progressReporter(everyMs = 2000): { update(text: string): void; done(): void } {
	let last = 0;
	let shown = false;
	return {
		update(text) {
			if (process.stdout.isTTY) {
				process.stdout.write(`\r${text}\u001b[K`);
				shown = true;
				return;
			}
			if (Date.now() - last < everyMs) return;
			last = Date.now();
			console.log(text);
		},
		done() {
			if (shown) process.stdout.write("\n");
		},
	};
}
