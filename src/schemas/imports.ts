import { z } from "@hono/zod-openapi";
import { IMPORT_KINDS } from "../domain/import/column-mapping.js";
import { DATE_FORMATS } from "../domain/import/value-types.js";

export const ImportKind = z.enum(IMPORT_KINDS);

export const ImportQuery = z.object({
	dryRun: z
		.enum(["true", "false"])
		.default("false")
		.openapi({ description: "true: check the file and say what would happen; write nothing" }),
	map: z
		.string()
		.max(5000)
		.optional()
		.openapi({ description: 'changes to the guessed mapping: "origin=source,sdr_id=skip,segment=trait:segment"' }),
	dates: z
		.string()
		.max(2000)
		.optional()
		.openapi({ description: `"won_date=day-first" (${DATE_FORMATS.join(", ")})` }),
	stage: z.enum(["mql"]).optional().openapi({ description: "the leads are MQLs already, from their first-seen day" }),
	outcome: z
		.enum(["opportunity", "won", "lost"])
		.optional()
		.openapi({ description: "every row's outcome, when no column says it" }),
});

const ValueType = z.union([z.enum(["text", "number", "flag"]), z.object({ date: z.enum(DATE_FORMATS) })]);
const Role = z.union([z.object({ field: z.string() }), z.object({ trait: z.string() }), z.literal("skip")]);

export const ImportReport = z
	.object({
		kind: ImportKind,
		dryRun: z.boolean(),
		/** the fields this kind of file can map to, for choosing */
		fields: z.array(z.string()),
		columns: z.array(
			z.object({ header: z.string(), role: Role, type: ValueType, typeWords: z.string(), filled: z.number().int() }),
		),
		mappingProblems: z.array(z.string()),
		rows: z.number().int(),
		/** dry run: rows that would go in; import: events, leads or outcomes stored new */
		imported: z.number().int(),
		unchanged: z.number().int(),
		rejected: z.number().int(),
		problemCount: z.number().int(),
		problems: z.array(z.object({ line: z.number().int(), column: z.string(), reason: z.string() })),
		warnings: z.array(z.string()),
		staged: z.number().int(),
	})
	.openapi("ImportReport");
export type ImportReport = z.infer<typeof ImportReport>;
export type ImportQuery = z.input<typeof ImportQuery>;
