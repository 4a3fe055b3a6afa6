import { z } from "@hono/zod-openapi";
import { ScoringModelDocument } from "./scoring-model.js";

/** The JSON Schema of a model document, for editors (`"$schema"` in a model file). */
export function scoringModelJsonSchema() {
	return {
		$id: "https://qualify.dev/schemas/scoring-model.json",
		title: "Qualify scoring model",
		...z.toJSONSchema(ScoringModelDocument, { io: "input", unrepresentable: "any" }),
	};
}
