import { SequenceDefinition } from "../../schemas/nurture.js";

const parsed = new Map<string, SequenceDefinition>();

/**
 * A stored version's definition, parsed once: ingest reads the running sequences on every batch
 * and a step batch holds thousands of enrolments of one version.
 */
export function storedDefinition(raw: unknown): SequenceDefinition {
	const key = JSON.stringify(raw);
	let found = parsed.get(key);
	if (!found) {
		found = SequenceDefinition.parse(raw);
		if (parsed.size > 200) parsed.clear();
		parsed.set(key, found);
	}
	return found;
}
