import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { backtest } from "../app/backtest.js";
import { replayThreads } from "../app/backtest-threads.js";
import { draftFromSignals } from "../app/draft-from-signals.js";
import { previewPublish } from "../app/preview-publish.js";
import {
	archiveModel,
	createDraft,
	deleteDraft,
	getModel,
	listModels,
	publishModel,
	updateDraft,
	validateDocument,
	withoutSchemaKey,
} from "../app/scoring-models.js";
import type { Clock } from "../domain/clock.js";
import { AppError } from "../domain/errors.js";
import { describeModel } from "../domain/scoring/describe-model.js";
import { listOf } from "../schemas/list.js";
import {
	BacktestQuery,
	BacktestResult,
	DraftCheck,
	ModelSentences,
	PublishedScoringModel,
	PublishPreview,
	ScoringModel,
	ScoringModelCreate,
	ScoringModelDocument,
	ScoringModelWithDocument,
} from "../schemas/scoring-model.js";
import { scoringModelJsonSchema } from "../schemas/scoring-model-json-schema.js";
import { DraftFromSignals } from "../schemas/signals.js";
import type { Db } from "../storage/database.js";
import { type AuthEnv, actorNameOf, requireRole, roleOf } from "./auth.js";
import { ErrorResponse, json, jsonBody, pathId, secretKey } from "./route-helpers.js";

const ModelId = pathId("5a1c…");
const tags = ["Scoring"];
const notFound = json(ErrorResponse, "No such model");
const invalid = json(ErrorResponse, "The document has problems; each names its field");
const immutable = json(ErrorResponse, "The model is published or archived and cannot change");

export function registerScoringModelRoutes(
	app: OpenAPIHono<AuthEnv>,
	db: Db,
	clock: Clock,
	/** PostgreSQL's address, for a backtest's worker threads (none on the embedded store) */
	databaseUrl?: string,
) {
	// Everyone may read models; marketing and admins write them (sales may not).
	const access = requireRole(db, { write: ["admin", "marketing"] });
	app.use("/v1/scoring-models", access);
	app.use("/v1/scoring-models/*", access);
	const security = secretKey;

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/scoring-models",
			tags,
			summary: "List scoring models",
			description: "Drafts first, then published and archived models by version, newest first.",
			security,
			responses: { 200: json(listOf(ScoringModel), "The models") },
		}),
		async (c) => c.json({ data: await listModels(db) }, 200),
	);

	app.get("/v1/scoring-models/schema", (c) => c.json(scoringModelJsonSchema()));

	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/scoring-models",
			tags,
			summary: "Create a draft",
			description: "From a document, or as a copy of another model (`basedOn`). Invalid documents are refused.",
			security,
			request: { body: jsonBody(ScoringModelCreate) },
			responses: { 201: json(ScoringModelWithDocument, "The draft"), 400: invalid, 404: notFound },
		}),
		async (c) => {
			const body = c.req.valid("json");
			const draft = await createDraft(db, {
				...(body.document !== undefined ? { document: body.document } : {}),
				...(body.basedOn ? { basedOn: body.basedOn } : {}),
			});
			return c.json(draft, 201);
		},
	);

	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/scoring-models/from-signals",
			tags,
			summary: "Draft a model from the signals that converted",
			description:
				"Runs the signals report for a period and makes a draft of its suggested rules: each trait value and event whose lift is clear becomes a rule worth 10 points for each doubling of the SQL rate; signals that give the outcome away are left out. Lists, bands, hand-raisers and disqualifiers come from the active model. Backtest the draft before publishing it.",
			security,
			request: { body: jsonBody(DraftFromSignals) },
			responses: {
				201: json(ScoringModelWithDocument, "The draft"),
				400: invalid,
				404: notFound,
				409: json(ErrorResponse, "No signal is clear enough in the period"),
			},
		}),
		async (c) => c.json(await draftFromSignals(db, c.req.valid("json"), clock.now()), 201),
	);

	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/scoring-models/validate",
			tags,
			summary: "Validate a document without saving it",
			security,
			request: { body: jsonBody(z.unknown()) },
			responses: {
				200: json(DraftCheck, "Whether the document is valid, each problem by field, and its sentences"),
			},
		}),
		async (c) => {
			const input = c.req.valid("json");
			const { problems } = validateDocument(input);
			const shape = ScoringModelDocument.safeParse(withoutSchemaKey(input));
			const sentences = shape.success ? describeModel(shape.data) : [];
			return c.json({ valid: problems.length === 0, problems, sentences }, 200);
		},
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/scoring-models/{id}",
			tags,
			summary: "Get a model with its document",
			security,
			request: { params: ModelId },
			responses: { 200: json(ScoringModelWithDocument, "The model"), 404: notFound },
		}),
		async (c) => c.json(await getModel(db, c.req.valid("param").id), 200),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/scoring-models/{id}/sentences",
			tags,
			summary: "The model in plain sentences",
			description:
				"Each rule, the bands and the qualification as a sentence a marketer can check, with the rule's reason.",
			security,
			request: { params: ModelId },
			responses: {
				200: json(ModelSentences, "Sentences in model order"),
				404: notFound,
			},
		}),
		async (c) => c.json({ data: describeModel((await getModel(db, c.req.valid("param").id)).document) }, 200),
	);

	app.openapi(
		createRoute({
			method: "put",
			path: "/v1/scoring-models/{id}",
			tags,
			summary: "Replace a draft's document",
			security,
			request: { params: ModelId, body: jsonBody(z.unknown()) },
			responses: { 200: json(ScoringModelWithDocument, "The draft"), 400: invalid, 404: notFound, 409: immutable },
		}),
		async (c) => c.json(await updateDraft(db, c.req.valid("param").id, c.req.valid("json")), 200),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/scoring-models/{id}/publish-preview",
			tags,
			summary: "What publishing would change",
			description:
				"Scores every live lead under the model from its whole history, as the publish's rescore will, and compares with the active model: how many leads would become MQLs (stage changes), qualify, or change grade or temperature. Writes nothing. For admins and marketing, who may publish.",
			security,
			request: { params: ModelId },
			responses: {
				200: json(PublishPreview, "The preview"),
				404: notFound,
			},
		}),
		async (c) => {
			// It scores every lead: only those who may publish may ask for it.
			const role = roleOf(c.get("principal"));
			if (role !== "admin" && role !== "marketing")
				throw new AppError("forbidden", `Your role (${role}) may not preview a publish.`);
			return c.json(await previewPublish(db, c.req.valid("param").id, clock.now()), 200);
		},
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/v1/scoring-models/{id}/backtest",
			tags,
			summary: "Backtest a draft against the active model on a window of history",
			description:
				"Replays the window under both models (only events up to its end; each lead's score at a moment counts only what had happened by then) and judges them by what really happened afterwards: MQLs, precision (share that reached SQL, and won, after the flag), recall (share of later SQLs and wins flagged before them), lead time and MQLs per week; with a sweep of the draft's engagement threshold and the one meeting a target precision or volume. For admins and marketing.",
			security,
			request: { params: ModelId, query: BacktestQuery },
			responses: { 200: json(BacktestResult, "Both models, side by side"), 404: notFound },
		}),
		async (c) => {
			const role = roleOf(c.get("principal"));
			if (role !== "admin" && role !== "marketing")
				throw new AppError("forbidden", `Your role (${role}) may not run a backtest.`);
			const q = c.req.valid("query");
			const result = await backtest(db, c.req.valid("param").id, {
				from: new Date(`${q.from}T00:00:00Z`),
				to: new Date(new Date(`${q.to}T00:00:00Z`).getTime() + 86_400_000),
				now: clock.now(),
				...(q.targetPrecision !== undefined ? { targetPrecision: q.targetPrecision } : {}),
				...(q.targetVolume !== undefined ? { targetVolume: q.targetVolume } : {}),
				judgeBy: q.judgeBy,
				threads: replayThreads(databaseUrl),
			});
			return c.json(result, 200);
		},
	);

	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/scoring-models/{id}/publish",
			tags,
			summary: "Publish a draft",
			description:
				"The draft gets the next version and becomes the active model; every lead is rescored under it in the background while ingest goes on.",
			security,
			request: { params: ModelId },
			responses: { 200: json(PublishedScoringModel, "The published model"), 404: notFound, 409: immutable },
		}),
		async (c) =>
			c.json(
				await publishModel(db, c.req.valid("param").id, { name: actorNameOf(c.get("principal")), now: clock.now() }),
				200,
			),
	);

	app.openapi(
		createRoute({
			method: "delete",
			path: "/v1/scoring-models/{id}",
			tags,
			summary: "Delete a draft",
			description: "Published and archived models are history and stay; archive them instead.",
			security,
			request: { params: ModelId },
			responses: { 204: { description: "Deleted" }, 404: notFound, 409: immutable },
		}),
		async (c) => {
			await deleteDraft(db, c.req.valid("param").id);
			return c.body(null, 204);
		},
	);

	app.openapi(
		createRoute({
			method: "post",
			path: "/v1/scoring-models/{id}/archive",
			tags,
			summary: "Archive a model",
			description: "The active model cannot be archived: publish another first.",
			security,
			request: { params: ModelId },
			responses: { 200: json(ScoringModelWithDocument, "The archived model"), 404: notFound, 409: immutable },
		}),
		async (c) => c.json(await archiveModel(db, c.req.valid("param").id), 200),
	);
}
