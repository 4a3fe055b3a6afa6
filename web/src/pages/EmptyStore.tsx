import { useEffect, useState } from "react";
import type { DemoStatus } from "../../../src/schemas/setup";
import { request } from "../api";
import { ErrorNote, failure } from "../forms";

/**
 * A new installation with no leads yet: offers the demo, loaded by the running server (nothing
 * needs the command line), and says how the loading goes.
 */
export function EmptyStore({ onLoaded }: { onLoaded: () => void }) {
	const [empty, setEmpty] = useState(false);
	const [status, setStatus] = useState<DemoStatus | null>(null);
	const [error, setError] = useState<string | null>(null);
	useEffect(() => {
		request("GET /v1/setup-status").then(
			(s) => setEmpty(s.empty),
			() => setEmpty(false),
		);
		// a load the first-run page started goes on here
		request("GET /v1/setup/demo").then(
			(s) => s.state === "loading" && setStatus(s),
			() => {},
		);
	}, []);
	useEffect(() => {
		if (status?.state !== "loading") return;
		const timer = setInterval(async () => {
			try {
				const next = await request("GET /v1/setup/demo");
				setStatus(next);
				if (next.state === "done") onLoaded();
			} catch (e) {
				setError(failure(e));
			}
		}, 1000);
		return () => clearInterval(timer);
	}, [status?.state, onLoaded]);
	if (!empty && !status) return null;
	async function load() {
		setError(null);
		try {
			setStatus(await request("POST /v1/setup/demo"));
		} catch (e) {
			setError(failure(e));
		}
	}
	return (
		<section className="card first-run" aria-labelledby="first-run-title">
			<h2 id="first-run-title">No leads yet</h2>
			{!status || status.state === "idle" ? (
				<>
					<p>
						Send events with the write key (see API keys in Settings), or look around first with demo data: 2,000
						fictional leads with a demo sales team. They are ordinary leads; delete them when you are done.
					</p>
					<button type="button" onClick={load}>
						Load the demo
					</button>
				</>
			) : status.state === "loading" ? (
				<p>
					<progress max={status.of} value={status.leads} /> Loading the demo: {status.leads.toLocaleString()} of{" "}
					{status.of.toLocaleString()} leads…
				</p>
			) : (
				<output className={status.state === "done" ? "status" : "error"}>{status.message}</output>
			)}
			<ErrorNote text={error} />
		</section>
	);
}
