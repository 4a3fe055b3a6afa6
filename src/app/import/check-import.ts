import type { Readable } from "node:stream";
import { parse } from "csv-parse";
import {
	type ColumnRole,
	guessMapping,
	type ImportKind,
	type Mapping,
	mappingProblems,
} from "../../domain/import/column-mapping.js";
import { describeType, guessType, readValue, type ValueType } from "../../domain/import/value-types.js";

/** Rows read before the column types are guessed; the rest are checked against the guess. */
const SAMPLE_ROWS = 1000;
/** Problems kept to show; all of them are counted. */
const SHOWN_PROBLEMS = 100;

export interface ColumnReport {
	header: string;
	role: ColumnRole;
	type: ValueType;
	/** the type in words, with "could be the other way round" for an ambiguous date */
	typeWords: string;
	/** sampled values that were not blank */
	filled: number;
}

export interface RowProblem {
	/** the line of the file, counting the header as line 1 */
	line: number;
	column: string;
	reason: string;
}

export interface ImportCheck {
	kind: ImportKind;
	columns: ColumnReport[];
	/** what the mapping lacks to import anything at all */
	mappingProblems: string[];
	rows: number;
	accepted: number;
	rejected: number;
	problems: RowProblem[];
	problemCount: number;
}

const isField = (role: ColumnRole, field: string) =>
	typeof role === "object" && "field" in role && role.field === field;

/**
 * A dry run of an import: streams the CSV once (any size, a row at a time after the first
 * thousand, which set the column types), guesses what each column is and holds, and checks every
 * row: who it is about (an external id or an e-mail) and each value against its column's type.
 * Writes nothing. `overrides` change the guessed mapping, by header; `types` the guessed types.
 */
export async function checkImport(
	input: Readable,
	kind: ImportKind,
	options: {
		overrides?: Mapping;
		types?: Record<string, ValueType>;
		onProgress?: (rows: number) => void;
	} = {},
): Promise<ImportCheck> {
	const parser = input.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true }));
	let headers: string[] | null = null;
	let columns: ColumnReport[] = [];
	const sample: Array<{ line: number; cells: string[] }> = [];
	const check: ImportCheck = {
		kind,
		columns: [],
		mappingProblems: [],
		rows: 0,
		accepted: 0,
		rejected: 0,
		problems: [],
		problemCount: 0,
	};
	const checkRow = (line: number, cells: string[]) => {
		check.rows++;
		const problems: RowProblem[] = [];
		const who = columns.findIndex((c) => isField(c.role, "externalId"));
		const email = columns.findIndex((c) => isField(c.role, "email"));
		if (!(cells[who] ?? "").trim() && !(cells[email] ?? "").trim())
			problems.push({
				line,
				column: columns[who]?.header ?? columns[email]?.header ?? "",
				reason: "says nobody: no id or e-mail",
			});
		columns.forEach((column, i) => {
			if (column.role === "skip") return;
			const read = readValue(cells[i] ?? "", column.type);
			if ("problem" in read) problems.push({ line, column: column.header, reason: read.problem });
		});
		if (problems.length === 0) check.accepted++;
		else {
			check.rejected++;
			check.problemCount += problems.length;
			for (const p of problems) if (check.problems.length < SHOWN_PROBLEMS) check.problems.push(p);
		}
		if (check.rows % 10_000 === 0) options.onProgress?.(check.rows);
	};
	const settle = () => {
		const names = headers ?? [];
		const mapping = guessMapping(kind, names, options.overrides);
		columns = names.map((header, i) => {
			const guess = guessType(
				sample.map((r) => r.cells[i] ?? ""),
				header,
			);
			const type = options.types?.[header] ?? guess.type;
			return {
				header,
				role: mapping[header] ?? "skip",
				type,
				typeWords: options.types?.[header] ? describeType({ ...guess, type, ambiguous: false }) : describeType(guess),
				filled: guess.filled,
			};
		});
		check.columns = columns;
		check.mappingProblems = mappingProblems(kind, mapping);
		for (const row of sample) checkRow(row.line, row.cells);
		sample.length = 0;
	};
	for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
		if (!headers) {
			headers = record.map((h) => h.trim());
			continue;
		}
		if (check.columns.length === 0 && sample.length < SAMPLE_ROWS) {
			sample.push({ line: info.lines, cells: record });
			if (sample.length === SAMPLE_ROWS) settle();
			continue;
		}
		checkRow(info.lines, record);
	}
	if (check.columns.length === 0) settle();
	options.onProgress?.(check.rows);
	return check;
}
