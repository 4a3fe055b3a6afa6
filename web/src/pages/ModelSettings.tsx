import { useState } from "react";
import type { Grade, Qualification, Temperature } from "../../../src/schemas/scoring-model";
import type { Document, Problem } from "./draft-rules";

const GRADES: Grade[] = ["A", "B", "C", "D"];

/** A model's name, bands, qualification and named lists, as forms. */
export function ModelSettings({
	document,
	editable,
	problems,
	onChange,
}: {
	document: Document;
	editable: boolean;
	problems: Problem[];
	onChange: (document: Document) => void;
}) {
	const readOnly = !editable;
	const bands = document.bands;
	const qualification = document.qualification as Qualification;
	const lists = document.lists ?? {};
	const [newList, setNewList] = useState("");
	const band = (group: "grade" | "temperature", key: string, label: string) => (
		<label>
			{label}{" "}
			<input
				type="number"
				step="any"
				readOnly={readOnly}
				value={(bands[group] as Record<string, number>)[key] ?? 0}
				onChange={(e) =>
					onChange({ ...document, bands: { ...bands, [group]: { ...bands[group], [key]: Number(e.target.value) } } })
				}
			/>
		</label>
	);
	return (
		<>
			<section className="block" aria-label="Model">
				<label>
					Name{" "}
					<input
						readOnly={readOnly}
						value={document.name}
						onChange={(e) => onChange({ ...document, name: e.target.value })}
					/>
				</label>
				<label className="wide">
					Description{" "}
					<input
						readOnly={readOnly}
						size={60}
						value={document.description ?? ""}
						onChange={(e) => onChange({ ...document, description: e.target.value })}
					/>
				</label>
			</section>
			<section aria-label="Bands and qualification">
				<h2>Bands and qualification</h2>
				<fieldset className="inline-form">
					<legend>Grade from fit: at least</legend>
					{band("grade", "A", "A")}
					{band("grade", "B", "B")}
					{band("grade", "C", "C")}
					<span className="sub">below C is D</span>
				</fieldset>
				<fieldset className="inline-form">
					<legend>Temperature from engagement: at least</legend>
					{band("temperature", "hot", "hot")}
					{band("temperature", "warm", "warm")}
					<span className="sub">below warm is cold</span>
				</fieldset>
				<fieldset className="inline-form">
					<legend>A lead qualifies</legend>
					<select
						aria-label="How a lead qualifies"
						disabled={readOnly}
						value={"matrix" in qualification ? "matrix" : "thresholds"}
						onChange={(e) =>
							onChange({
								...document,
								qualification: {
									...(e.target.value === "matrix"
										? { matrix: { A: "warm", B: "warm", C: "hot", D: null } }
										: { fitAtLeast: bands.grade.B, engagementAtLeast: bands.temperature.warm }),
									// the predictive gate stays whichever way the rest is put
									...(qualification.chanceAtLeast === undefined ? {} : { chanceAtLeast: qualification.chanceAtLeast }),
								},
							})
						}
					>
						<option value="thresholds">when fit and engagement both reach a threshold</option>
						<option value="matrix">when it is warm enough for its grade</option>
					</select>
					{"matrix" in qualification
						? GRADES.map((grade) => (
								<label key={grade}>
									{grade}{" "}
									<select
										disabled={readOnly}
										value={qualification.matrix[grade] ?? ""}
										onChange={(e) =>
											onChange({
												...document,
												qualification: {
													matrix: { ...qualification.matrix, [grade]: (e.target.value || null) as Temperature | null },
												},
											})
										}
									>
										<option value="">never</option>
										<option value="cold">any temperature</option>
										<option value="warm">warm or hot</option>
										<option value="hot">hot</option>
									</select>
								</label>
							))
						: (["fitAtLeast", "engagementAtLeast"] as const).map((key) => (
								<label key={key}>
									{key === "fitAtLeast" ? "fit at least" : "engagement at least"}{" "}
									<input
										type="number"
										step="any"
										readOnly={readOnly}
										value={qualification[key]}
										onChange={(e) =>
											onChange({ ...document, qualification: { ...qualification, [key]: Number(e.target.value) } })
										}
									/>
								</label>
							))}
					<label>
						and predicted chance at least{" "}
						<input
							type="number"
							min={0}
							max={100}
							step="any"
							placeholder="—"
							readOnly={readOnly}
							value={
								qualification.chanceAtLeast === undefined ? "" : Math.round(qualification.chanceAtLeast * 1000) / 10
							}
							onChange={(e) => {
								const { chanceAtLeast: _, ...rest } = qualification;
								const percent = e.target.value === "" ? null : Number(e.target.value);
								onChange({
									...document,
									qualification: percent === null ? rest : { ...rest, chanceAtLeast: percent / 100 },
								} as typeof document);
							}}
						/>
						%
					</label>
					<span className="sub">
						empty: the predictive score does not gate; leads it has not scored pass on the rest
					</span>
				</fieldset>
			</section>
			<section aria-label="Named lists">
				<h2>Named lists</h2>
				<p className="sub">For “is in the list”: competitors, named accounts, target industries… one entry per line.</p>
				<div className="lists">
					{Object.entries(lists).map(([name, values]) => (
						<label key={name} className="list">
							{name}
							<textarea
								readOnly={readOnly}
								rows={Math.min(8, values.length + 1)}
								value={values.join("\n")}
								onChange={(e) =>
									onChange({
										...document,
										lists: {
											...lists,
											[name]: e.target.value
												.split("\n")
												.map((v) => v.trim())
												.filter(Boolean),
										},
									})
								}
							/>
							{editable && (
								<button
									type="button"
									className="quiet small"
									onClick={() => {
										const { [name]: _, ...rest } = lists;
										onChange({ ...document, lists: rest });
									}}
								>
									Remove list
								</button>
							)}
						</label>
					))}
				</div>
				{editable && (
					<p>
						<input
							aria-label="New list name"
							placeholder="namedAccounts"
							value={newList}
							onChange={(e) => setNewList(e.target.value)}
						/>{" "}
						<button
							type="button"
							className="quiet small"
							disabled={!newList.trim() || newList.trim() in lists}
							onClick={() => {
								onChange({ ...document, lists: { ...lists, [newList.trim()]: [] } });
								setNewList("");
							}}
						>
							+ Add list
						</button>
					</p>
				)}
			</section>
			{problems.length > 0 && (
				<ul className="problems">
					{problems.map((p) => (
						<li key={p.field + p.message}>
							<code>{p.field}</code> {p.message}
						</li>
					))}
				</ul>
			)}
		</>
	);
}
