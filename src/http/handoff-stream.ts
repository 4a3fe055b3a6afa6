import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { Database } from "../storage/database.js";
import { HANDOFFS_CHANNEL } from "../storage/job-constants.js";

export type Listen = Database["listen"];

/**
 * Server-sent events for open sales queues: a `changed` event whenever handoffs change (an MQL
 * assigned, touched, accepted, rejected, reassigned), so a queue refreshes within a moment of
 * the commit instead of at its next poll. One LISTEN per process serves every open stream.
 */
export function handoffStream(listen: Listen, shutdown?: AbortSignal) {
	const subscribers = new Set<() => void>();
	let listening: Promise<unknown> | null = null;
	return (c: Context) => {
		listening ??= listen(HANDOFFS_CHANNEL, () => {
			for (const notify of subscribers) notify();
		}).catch((error) => {
			listening = null; // the next stream tries again
			throw error;
		});
		return streamSSE(c, async (stream) => {
			let wake: () => void = () => {};
			let changed = false;
			const onChange = () => {
				changed = true;
				wake();
			};
			subscribers.add(onChange);
			stream.onAbort(() => {
				subscribers.delete(onChange);
				wake();
			});
			const onShutdown = () => stream.abort(); // the server is stopping: end the stream now
			shutdown?.addEventListener("abort", onShutdown, { once: true });
			await listening;
			await stream.writeSSE({ event: "ready", data: "" });
			while (!stream.aborted) {
				// Wait for a change, or 25 s: a comment keeps proxies from closing an idle stream.
				await new Promise<void>((resolve) => {
					wake = resolve;
					if (changed) resolve();
					setTimeout(resolve, 25_000).unref();
				});
				if (stream.aborted) break;
				if (changed) {
					changed = false;
					await stream.writeSSE({ event: "changed", data: "" });
				} else await stream.write(": still here\n\n");
			}
			subscribers.delete(onChange);
			shutdown?.removeEventListener("abort", onShutdown);
		});
	};
}
