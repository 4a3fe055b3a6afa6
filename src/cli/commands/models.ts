import { readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { createDraft, listModels, publishModel, validateDocument } from "../../app/scoring-models.js";
import { systemClock } from "../../app/system-clock.js";
import { scoringModelJsonSchema } from "../../schemas/scoring-model-json-schema.js";
import { readConfig } from "../config.js";
import { openStore } from "../open-store.js";
import { parseCommand } from "./args.js";

const USAGE = `Usage:
  qualify models list
  qualify models validate FILE      check a model document; prints each problem by field
  qualify models draft FILE         save a model document as a new draft
  qualify models publish ID         publish a draft: the next version, active now, every lead rescored
  qualify models schema             print the JSON Schema of a model document (for editors)

Models kept in files (in git, reviewed like code) go through validate, draft and publish.`;

async function documentOf(file: string | undefined): Promise<unknown> {
	if (!file) throw new TypeError("Name the model file.");
	const text = await readFile(file, "utf8");
	try {
		return JSON.parse(text);
	} catch (error) {
		throw new TypeError(`${file} is not valid JSON: ${(error as Error).message}`);
	}
}

export async function modelsCommand(args: string[]) {
	const parsed = parseCommand(args, {}, USAGE, true);
	if (!parsed) return;
	const [action, argument] = parsed.positionals;
	if (action === "schema") {
		console.log(JSON.stringify(scoringModelJsonSchema(), null, 2));
		return;
	}
	if (action === "validate") {
		const { problems } = validateDocument(await documentOf(argument));
		for (const p of problems) console.log(`${p.field}: ${p.message}`);
		console.log(problems.length === 0 ? "The model is valid." : `${problems.length} problem(s).`);
		if (problems.length > 0) process.exitCode = 1;
		return;
	}
	if (action !== "list" && action !== "draft" && action !== "publish")
		throw new TypeError(`Say list, validate, draft, publish or schema.\n\n${USAGE}`);
	const document = action === "draft" ? await documentOf(argument) : undefined;
	if (action === "publish" && !argument) throw new TypeError("Name the draft to publish: qualify models publish ID");
	const store = await openStore(readConfig());
	try {
		if (action === "list") {
			for (const m of await listModels(store.db)) {
				const version = m.version === null ? "draft" : `v${m.version}`;
				console.log(
					`${m.id}  ${version.padEnd(6)} ${m.status.padEnd(9)} ${m.active ? "active " : "       "} ${m.name}`,
				);
			}
		} else if (action === "draft") {
			const draft = await createDraft(store.db, { document });
			console.log(`Saved draft ${draft.id} (${draft.name}).`);
		} else if (argument) {
			const published = await publishModel(store.db, argument, {
				name: `${userInfo().username} (command line)`,
				now: systemClock.now(),
			});
			console.log(
				`Published ${published.name} as version ${published.version}; every lead will be rescored by the worker (job ${published.rescoreJobId}).`,
			);
		}
	} finally {
		await store.close();
	}
}
