import { useEffect, useState } from "react";
import { api } from "../api";

interface Model {
	id: string;
	name: string;
	status: string;
	version: number | null;
	active: boolean;
}
interface Sentence {
	section: string;
	id: string;
	text: string;
}

const SECTIONS: Array<[string, string]> = [
	["fit", "Fit: who the lead is"],
	["engagement", "Engagement: what the lead does"],
	["bands", "Bands"],
	["qualification", "When a lead qualifies"],
	["hand-raiser", "Hand-raisers"],
	["disqualifier", "Disqualifiers"],
];

/** The active scoring model, read as sentences. */
export function Scoring() {
	const [model, setModel] = useState<Model | null>(null);
	const [sentences, setSentences] = useState<Sentence[]>([]);
	const [error, setError] = useState<string | null>(null);
	useEffect(() => {
		api<{ data: Model[] }>("GET", "/v1/scoring-models")
			.then(async ({ data }) => {
				const active = data.find((m) => m.active) ?? null;
				setModel(active);
				if (active)
					setSentences((await api<{ data: Sentence[] }>("GET", `/v1/scoring-models/${active.id}/sentences`)).data);
			})
			.catch((e: Error) => setError(e.message));
	}, []);
	if (error) return <p role="alert">{error}</p>;
	if (!model) return <p className="loading">Loading…</p>;
	return (
		<article className="scoring">
			<h1>
				Scoring: {model.name} <span className="sub">(version {model.version}, active)</span>
			</h1>
			{SECTIONS.map(([section, title]) => {
				const rows = sentences.filter((s) => s.section === section);
				if (rows.length === 0) return null;
				return (
					<section key={section}>
						<h2>{title}</h2>
						<ul className="sentences">
							{rows.map((s) => (
								<li key={s.id} data-rule={s.id}>
									{s.text}
								</li>
							))}
						</ul>
					</section>
				);
			})}
		</article>
	);
}
