import { createReadStream, existsSync } from "node:fs";
import { userInfo } from "node:os";
import { parse } from "csv-parse";
import { type ColumnReport, checkImport, type RowProblem } from "../../app/import/check-import.js";
import { savedMapping, saveMapping } from "../../app/import/import-mappings.js";
import { runImport } from "../../app/import/run-import.js";
import { systemClock } from "../../app/system-clock.js";
import {
	headersKey,
	IMPORT_KINDS,
	type ImportKind,
	parseMappingOverrides,
} from "../../domain/import/column-mapping.js";
import { DATE_FORMATS, type DateFormat, type ValueType } from "../../domain/import/value-types.js";
import { readConfig } from "../config.js";
import { openStore } from "../open-store.js";
import { progressReporter } from "../progress.js";
import { parseCommand } from "./args.js";

const USAGE = `Usage: qualify import leads|events|outcomes FILE.csv [--dry-run] [--map MAP] [--dates COLUMN=FORMAT,…]
                     [--stage mql] [--outcome won|lost|opportunity]

Imports a CSV, streamed (any size), as history: leads and events through the ingest path
(identities, scoring; a lead that qualified becomes an MQL on its day, but nobody is handed
years-old leads now), outcomes through the lifecycle (won → customer). Which field each column
is is guessed from its header (unknown columns become traits of the lead) and what it holds
from its values (numbers, yes/no, dates day-first, month-first, ISO or Excel serial, text);
both are shown, and the mapping is remembered for the next file with the same columns. Rows
with problems are turned away and named by line, column and reason. Importing the same file
again changes nothing.

  --dry-run   check the file and say what would happen; write nothing
  --map "origin=source,landing_page_id=landingPage,sdr_id=skip,segment=trait:segment"
              change the guess for some columns (field names: see the README)
  --dates "won_date=day-first"   read a date column in this format (${DATE_FORMATS.join(", ")})
  --stage mql                    the leads are MQLs already (from their first-seen day)
  --outcome won                  the outcome of every row, when no column says it`;

export async function importCommand(args: string[]) {
	const parsed = parseCommand(
		args,
		{
			"dry-run": { type: "boolean" },
			map: { type: "string" },
			dates: { type: "string" },
			stage: { type: "string" },
			outcome: { type: "string" },
		},
		USAGE,
		true,
	);
	if (!parsed) return;
	const [kind, file] = parsed.positionals;
	if (!IMPORT_KINDS.includes(kind as ImportKind))
		throw new TypeError(`Say what the file holds: leads, events or outcomes.\n\n${USAGE}`);
	if (!file) throw new TypeError("Name the CSV file: qualify import leads FILE.csv --dry-run");
	if (!existsSync(file)) throw new TypeError(`No file ${file}`);
	const stage = parsed.values.stage;
	if (stage !== undefined && stage !== "mql") throw new TypeError("--stage: only mql");
	const outcome = parsed.values.outcome;
	if (outcome !== undefined && !["won", "lost", "opportunity"].includes(outcome))
		throw new TypeError("--outcome: won, lost or opportunity");
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
	const overrides = parsed.values.map ? parseMappingOverrides(parsed.values.map) : {};
	const progress = progressReporter();
	const started = Date.now();
	const onProgress = (rows: number) => progress.update(`${file}: ${rows.toLocaleString("en-US")} rows…`);
	if (parsed.values["dry-run"]) {
		const check = await checkImport(createReadStream(file), kind as ImportKind, { overrides, types, onProgress });
		progress.done();
		printColumns(file, check);
		console.log(
			`\n${check.rows.toLocaleString("en-US")} rows in ${seconds(started)} s: ${check.accepted.toLocaleString("en-US")} would be imported, ${check.rejected.toLocaleString("en-US")} turned away (${check.problemCount} problems).`,
		);
		printProblems(check);
		console.log("Dry run: nothing was written.");
		if (check.mappingProblems.length > 0) process.exitCode = 1;
		return;
	}
	const store = await openStore(readConfig());
	try {
		const headers = await headersOf(file);
		const key = headersKey(kind as ImportKind, headers);
		const saved = await savedMapping(store.db, key);
		const summary = await runImport(store.db, createReadStream(file), kind as ImportKind, {
			overrides: { ...saved.mapping, ...overrides },
			types: { ...saved.types, ...types },
			onProgress,
			now: systemClock.now(),
			actorId: `${userInfo().username} (import)`,
			...(stage === "mql" ? { stage } : {}),
			...(outcome ? { outcome: outcome as "won" | "lost" | "opportunity" } : {}),
		});
		progress.done();
		printColumns(file, summary);
		if (summary.mappingProblems.length > 0) {
			process.exitCode = 1;
			return;
		}
		await saveMapping(store.db, key, summary.columns);
		const what = kind === "outcomes" ? "outcomes" : kind === "leads" ? "lead records" : "events";
		console.log(
			`\n${summary.rows.toLocaleString("en-US")} rows in ${seconds(started)} s: ${summary.imported.toLocaleString("en-US")} ${what} imported, ${summary.unchanged.toLocaleString("en-US")} already there, ${summary.rejected.toLocaleString("en-US")} turned away (${summary.problemCount} problems)${summary.staged ? `; ${summary.staged.toLocaleString("en-US")} leads made MQLs on their first-seen day` : ""}.`,
		);
		printProblems(summary);
		for (const warning of summary.warnings.slice(0, 10)) console.log(`  note, ${warning}`);
		console.log(`The mapping is remembered for the next file with these columns (${store.where}).`);
	} finally {
		await store.close();
	}
}

const seconds = (started: number) => ((Date.now() - started) / 1000).toFixed(1);

function printColumns(file: string, report: { columns: ColumnReport[]; mappingProblems: string[] }) {
	console.log(`\nColumns of ${file}:`);
	for (const c of report.columns) {
		const role = c.role === "skip" ? "skipped" : "field" in c.role ? c.role.field : `trait ${c.role.trait}`;
		console.log(
			`  ${c.header.padEnd(30)} → ${role.padEnd(24)} ${c.typeWords}${c.filled === 0 ? " (empty in the sample)" : ""}`,
		);
	}
	for (const problem of report.mappingProblems) console.log(`\n  cannot import: ${problem}`);
}

function printProblems(report: { problems: RowProblem[]; problemCount: number }) {
	for (const p of report.problems.slice(0, 20)) console.log(`  line ${p.line}, ${p.column}: ${p.reason}`);
	if (report.problemCount > 20) console.log(`  … and ${report.problemCount - 20} more`);
}

/** The file's header row. */
async function headersOf(file: string): Promise<string[]> {
	const parser = createReadStream(file).pipe(parse({ bom: true, to_line: 1 }));
	for await (const record of parser as AsyncIterable<string[]>) return record.map((h) => h.trim());
	return [];
}
