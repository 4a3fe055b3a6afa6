import { Readable } from "node:stream";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { checkImport } from "../app/import/check-import.js";
import { savedMapping, saveMapping } from "../app/import/import-mappings.js";
import { runImport } from "../app/import/run-import.js";
import type { Clock } from "../domain/clock.js";
import { AppError } from "../domain/errors.js";
import { FIELDS, headersKey, parseMappingOverrides } from "../domain/import/column-mapping.js";
import { DATE_FORMATS, type DateFormat, type ValueType } from "../domain/import/value-types.js";
import { ImportKind, ImportQuery, ImportReport } from "../schemas/imports.js";
import type { Db } from "../storage/database.js";
import { type AuthEnv, actorIdOf, requireRole } from "./auth.js";
import { ErrorResponse, json, secretKey as security } from "./route-helpers.js";
import { uploadOf } from "./upload.js";

function datesOf(spec: string | undefined): Record<string, ValueType> {
	const types: Record<string, ValueType> = {};
	for (const pair of (spec ?? "")
		.split(",")
		.map((p) => p.trim())
		.filter(Boolean)) {
		const [column, format] = pair.split("=").map((s) => s.trim());
		if (!column || !DATE_FORMATS.includes(format as DateFormat))
			throw new AppError("validation_failed", `"${pair}" is not COLUMN=${DATE_FORMATS.join("|")}.`, [
				{ field: "dates", message: `not COLUMN=${DATE_FORMATS.join("|")}` },
			]);
		types[column] = { date: format as DateFormat };
	}
	return types;
}

/** Upload a CSV of leads, events or outcomes: checked (dry run) or imported, as `qualify import` does. */
export function registerImportRoutes(app: OpenAPIHono<AuthEnv>, db: Db, clock: Clock) {
	app.use("/v1/imports/*", requireRole(db, { read: ["admin", "marketing"], write: ["admin", "marketing"] }));
	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/imports/{kind}",
			tags: ["Import"],
			summary: "Check or import a CSV of leads, events or outcomes",
			description:
				"The body is the CSV file (text/csv), read as a stream. Each column's field is guessed from its header (the mapping remembered from the last file with the same columns comes first, then `map`) and its type from its values; every row with a problem is named by line, column and reason. With `dryRun=true` nothing is written; otherwise the rows go in as history (leads and events through the ingest path, outcomes through the lifecycle) and the mapping is remembered. The same file twice changes nothing.",
			security,
			request: {
				params: z.object({ kind: ImportKind.openapi({ param: { name: "kind", in: "path" } }) }),
				query: ImportQuery,
			},
			responses: {
				200: json(ImportReport, "What was (or would be) imported"),
				400: json(ErrorResponse, "A bad option"),
				413: json(ErrorResponse, "Over 200 MB"),
			},
		}),
		async (c) => {
			const { kind } = c.req.valid("param");
			const query = c.req.valid("query");
			const body = c.req.raw.body;
			const input = uploadOf(body);
			// The headers decide which saved mapping applies: read the first line, then go on from it.
			const [first, rest] = await firstLine(input);
			const headers = first.split(",").map((h) => h.trim().replace(/^"|"$/g, ""));
			const key = headersKey(kind, headers);
			const saved = await savedMapping(db, key);
			let overrides = saved.mapping;
			try {
				overrides = { ...saved.mapping, ...(query.map ? parseMappingOverrides(query.map) : {}) };
			} catch (error) {
				throw new AppError("validation_failed", (error as Error).message, [
					{ field: "map", message: "not header=field pairs" },
				]);
			}
			const types = { ...saved.types, ...datesOf(query.dates) };
			const stream = Readable.from(withHead(Buffer.from(`${first}\n`), rest));
			const fields = Object.keys(FIELDS[kind]);
			if (query.dryRun === "true") {
				const check = await checkImport(stream, kind, { overrides, types });
				return c.json(
					{
						kind,
						dryRun: true,
						fields,
						columns: check.columns,
						mappingProblems: check.mappingProblems,
						rows: check.rows,
						imported: check.accepted,
						unchanged: 0,
						rejected: check.rejected,
						problemCount: check.problemCount,
						problems: check.problems,
						warnings: [],
						staged: 0,
					},
					200,
				);
			}
			const summary = await runImport(db, stream, kind, {
				overrides,
				types,
				now: clock.now(),
				actorId: actorIdOf(c.get("principal")),
				...(query.stage ? { stage: query.stage } : {}),
				...(query.outcome ? { outcome: query.outcome } : {}),
			});
			if (summary.mappingProblems.length === 0) await saveMapping(db, key, summary.columns);
			return c.json({ ...summary, dryRun: false, fields }, 200);
		},
	);
}

/** The first line of a stream (the CSV's header row), and the stream's chunks after it. */
async function firstLine(input: Readable): Promise<[string, AsyncIterator<Buffer>]> {
	const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
	let buffered = Buffer.alloc(0);
	for (;;) {
		const next = await iterator.next();
		if (next.done)
			return [
				buffered
					.toString("utf8")
					.replace(/^\uFEFF/, "")
					.replace(/\r$/, ""),
				emptyIterator(),
			];
		buffered = Buffer.concat([buffered, next.value]);
		const at = buffered.indexOf(10);
		if (at >= 0) {
			const line = buffered
				.subarray(0, at)
				.toString("utf8")
				.replace(/^\uFEFF/, "")
				.replace(/\r$/, "");
			return [line, withHead(buffered.subarray(at + 1), iterator)];
		}
	}
}

async function* emptyIterator(): AsyncGenerator<Buffer> {}

async function* withHead(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
	if (head.length > 0) yield head;
	for (;;) {
		const next = await rest.next();
		if (next.done) return;
		yield next.value;
	}
}
