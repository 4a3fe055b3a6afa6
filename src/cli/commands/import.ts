import { createReadStream, existsSync } from "node:fs";
import { checkImport } from "../../app/import/check-import.js";
import { IMPORT_KINDS, type ImportKind, parseMappingOverrides } from "../../domain/import/column-mapping.js";
import { DATE_FORMATS, type DateFormat, type ValueType } from "../../domain/import/value-types.js";
import { progressReporter } from "../progress.js";
import { parseCommand } from "./args.js";

const USAGE = `Usage: qualify import leads|events|outcomes FILE.csv --dry-run [--map MAP] [--dates COLUMN=FORMAT,…]

Reads a CSV (streamed: any size) and says what an import would do: which field each column
is (guessed from its header; unknown columns become traits of the lead), what each column
holds (numbers, yes/no, dates day-first, month-first, ISO or Excel serial, text), and which
rows it would turn away, with their line, column and reason. It writes nothing.

  --map "origin=source,landing_page_id=landingPage,sdr_id=skip,segment=trait:segment"
        change the guess for some columns (field names: see the README)
  --dates "won_date=day-first"   read a date column in this format (${DATE_FORMATS.join(", ")})

Writing the rows (leads and events through the ingest path, outcomes through the lifecycle) is
the next step of issue 11 and not in this release: --dry-run is required.`;

export async function importCommand(args: string[]) {
	const parsed = parseCommand(
		args,
		{ "dry-run": { type: "boolean" }, map: { type: "string" }, dates: { type: "string" } },
		USAGE,
		true,
	);
	if (!parsed) return;
	const [kind, file] = parsed.positionals;
	if (!IMPORT_KINDS.includes(kind as ImportKind))
		throw new TypeError(`Say what the file holds: leads, events or outcomes.\n\n${USAGE}`);
	if (!file) throw new TypeError("Name the CSV file: qualify import leads FILE.csv --dry-run");
	if (!existsSync(file)) throw new TypeError(`No file ${file}`);
	if (!parsed.values["dry-run"])
		throw new TypeError("Only --dry-run is available in this release: it checks the file and writes nothing.");
	const types: Record<string, ValueType> = {};
	for (const pair of (parsed.values.dates ?? "")
		.split(",")
		.map((p) => p.trim())
		.filter(Boolean)) {
		const [column, format] = pair.split("=").map((s) => s.trim());
		if (!column || !DATE_FORMATS.includes(format as DateFormat))
			throw new TypeError(`--dates: "${pair}" is not COLUMN=${DATE_FORMATS.join("|")}`);
		types[column] = { date: format as DateFormat };
	}
	const progress = progressReporter();
	const started = Date.now();
	const check = await checkImport(createReadStream(file), kind as ImportKind, {
		overrides: parsed.values.map ? parseMappingOverrides(parsed.values.map) : {},
		types,
		onProgress: (rows) => progress.update(`checking ${file}: ${rows.toLocaleString("en-US")} rows…`),
	});
	progress.done();
	console.log(`\nColumns of ${file}:`);
	for (const c of check.columns) {
		const role = c.role === "skip" ? "skipped" : "field" in c.role ? c.role.field : `trait ${c.role.trait}`;
		console.log(
			`  ${c.header.padEnd(30)} → ${role.padEnd(24)} ${c.typeWords}${c.filled === 0 ? " (empty in the sample)" : ""}`,
		);
	}
	for (const problem of check.mappingProblems) console.log(`\n  cannot import: ${problem}`);
	const seconds = (Date.now() - started) / 1000;
	console.log(
		`\n${check.rows.toLocaleString("en-US")} rows in ${seconds.toFixed(1)} s: ${check.accepted.toLocaleString("en-US")} would be imported, ${check.rejected.toLocaleString("en-US")} turned away (${check.problemCount} problems).`,
	);
	for (const p of check.problems.slice(0, 20)) console.log(`  line ${p.line}, ${p.column}: ${p.reason}`);
	if (check.problemCount > 20) console.log(`  … and ${check.problemCount - 20} more`);
	console.log("Dry run: nothing was written.");
	if (check.mappingProblems.length > 0) process.exitCode = 1;
}
