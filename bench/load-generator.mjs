// Runs in a worker thread so that the load generator's CPU is not the server's event loop.
// With `perSecond`, batches are sent at that pace (until `stopAt` or the bodies run out);
// without it, as fast as `concurrency` clients can.
import { parentPort, workerData } from "node:worker_threads";

const { url, auth, bodies, concurrency, perSecond, headers = {} } = workerData;
let next = 0;
let stored = 0;
let stopped = false;
parentPort.on("message", (m) => {
	if (m === "stop") stopped = true;
});
const started = performance.now();
await Promise.all(
	Array.from({ length: concurrency }, async () => {
		while (next < bodies.length && !stopped) {
			const index = next++;
			if (perSecond) {
				const due = started + (index / perSecond) * 1000;
				const wait = due - performance.now();
				if (wait > 0) await new Promise((r) => setTimeout(r, wait));
			}
			const response = await fetch(url, {
				method: "POST",
				headers: { authorization: auth, "content-type": "application/json", ...headers },
				body: bodies[index],
			});
			const result = await response.json();
			if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${JSON.stringify(result)}`);
			stored += result.accepted;
		}
	}),
);
parentPort.postMessage({ stored });
parentPort.close(); // the "stop" listener would otherwise keep this thread alive
