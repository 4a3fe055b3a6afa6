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

/** One row read by the mapping: its fields and traits as typed values, or what is wrong with it. */
export interface ImportRow {
	line: number;
	fields: Record<string, string | number | boolean | Date | null>;
	traits: Record<string, string | number | boolean | Date | null>;
	problems: RowProblem[];
}

export interface ImportOptions {
	overrides?: Mapping;
	types?: Record<string, ValueType>;
	onProgress?: (rows: number) => void;
}

/**
 * Reads a CSV for an import, streamed: the first thousand rows set each column's type (with
 * the header's field guessed, `overrides` winning), then every row comes out typed by its
 * mapping, with its problems (who it is about: an external id or an e-mail; each value against
 * its column's type). `onColumns` hears the columns before the first row.
 */
export async function* importRows(
	input: Readable,
	kind: ImportKind,
	options: ImportOptions & { onColumns?: (columns: ColumnReport[], mappingProblems: string[]) => void },
): AsyncGenerator<ImportRow> {
	const parser = input.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true }));
	let headers: string[] | null = null;
	let columns: ColumnReport[] | null = null;
	let rows = 0;
	const sample: Array<{ line: number; cells: string[] }> = [];
	const read = (line: number, cells: string[]): ImportRow => {
		const cols = columns ?? [];
		const row: ImportRow = { line, fields: {}, traits: {}, problems: [] };
		cols.forEach((column, i) => {
			if (column.role === "skip") return;
			const value = readValue(cells[i] ?? "", column.type);
			if ("problem" in value) row.problems.push({ line, column: column.header, reason: value.problem });
			else if ("field" in column.role) row.fields[column.role.field] = value.value;
			else row.traits[column.role.trait] = value.value;
		});
		if (row.fields.externalId == null && row.fields.email == null) {
			const who = cols.find((c) => isField(c.role, "externalId")) ?? cols.find((c) => isField(c.role, "email"));
			row.problems.unshift({ line, column: who?.header ?? "", reason: "says nobody: no id or e-mail" });
		}
		if (++rows % 10_000 === 0) options.onProgress?.(rows);
		return row;
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
		options.onColumns?.(columns, mappingProblems(kind, mapping));
	};
	for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
		if (!headers) {
			headers = record.map((h) => h.trim());
			continue;
		}
		if (!columns) {
			sample.push({ line: info.lines, cells: record });
			if (sample.length < SAMPLE_ROWS) continue;
			settle();
			for (const r of sample.splice(0)) yield read(r.line, r.cells);
			continue;
		}
		yield read(info.lines, record);
	}
	if (!columns) {
		settle();
		for (const r of sample.splice(0)) yield read(r.line, r.cells);
	}
	options.onProgress?.(rows);
}

/** Keeps a row's problems in a report: all counted, the first hundred kept. */
export function tallyProblems(
	report: { rejected: number; problemCount: number; problems: RowProblem[] },
	row: ImportRow,
) {
	report.rejected++;
	report.problemCount += row.problems.length;
	for (const p of row.problems) if (report.problems.length < SHOWN_PROBLEMS) report.problems.push(p);
}

/**
 * A dry run of an import: streams the CSV once (any size), says what each column is and holds,
 * and checks every row. Writes nothing.
 */
export async function checkImport(
	input: Readable,
	kind: ImportKind,
	options: ImportOptions = {},
): Promise<ImportCheck> {
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
	const rows = importRows(input, kind, {
		...options,
		onColumns: (columns, problems) => {
			check.columns = columns;
			check.mappingProblems = problems;
		},
	});
	for await (const row of rows) {
		check.rows++;
		if (row.problems.length === 0) check.accepted++;
		else tallyProblems(check, row);
	}
	return check;
}
