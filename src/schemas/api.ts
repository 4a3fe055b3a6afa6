// The API as the web app calls it: each route's query, body and answer, as types only (the
// zod schemas beside this file are their source; the server validates with them). The web app
// imports this file type-only, so a change to a shape is a compile error in the page that uses it.

import type { AccountDetail, AccountPage, AccountPatch, AccountSettings, AccountTimeline } from "./accounts.js";
import type { ApiKey, ApiKeyCreated, ApiKeyInput } from "./api-keys.js";
import type { Form, FormInput, FormResults } from "./forms.js";
import type {
	Handoff,
	HandoffList,
	Owner,
	OwnerInput,
	RejectInput,
	RoutingRule,
	RoutingRuleInput,
	Team,
	TeamDeleted,
	TeamInput,
	Touch,
	TouchInput,
} from "./handoff.js";
import type { ImportQuery, ImportReport } from "./imports.js";
import type { EventPage, LeadDetail, LeadFilters, LeadListQuery, LeadPage, LeadPatch } from "./leads.js";
import type { StageChange, StageMoveRequest, StageMoves } from "./lifecycle.js";
import type { FunnelQuery, FunnelReport, HandoffMetrics, NotNowReasons, PeriodPreset } from "./metrics.js";
import type {
	Enrolment,
	EnrolResult,
	NurtureSettings,
	RenderedEmail,
	Sequence,
	SequenceInput,
	SequenceResults,
	Template,
	TemplateInput,
	TemplatePreviewRequest,
} from "./nurture.js";
import type {
	BacktestResult,
	DraftCheck,
	LeadScore,
	ModelSentences,
	PublishedScoringModel,
	PublishPreview,
	ScoringModel,
	ScoringModelCreate,
	ScoringModelWithDocument,
} from "./scoring-model.js";
import type {
	Segment,
	SegmentChangePage,
	SegmentCreate,
	SegmentDetail,
	SegmentHistory,
	SegmentPreview,
	SegmentPreviewRequest,
	SegmentRefresh,
	SegmentUpdate,
	StartingSegment,
} from "./segments.js";
import type { DemoStatus } from "./setup.js";
import type { DraftFromSignals, SignalsReport } from "./signals.js";
import type {
	Credentials,
	PasswordChange,
	PasswordReset,
	Session,
	SetupStatus,
	User,
	UserInput,
	UserPatch,
} from "./users.js";
import type {
	WebhookAttempt,
	WebhookEndpoint,
	WebhookEndpointCreate,
	WebhookEndpointCreated,
	WebhookEndpointPatch,
	WebhookTestResult,
} from "./webhooks.js";
import type { Webinar } from "./webinars.js";

type List<T> = { data: T[] };
type Query = Record<string, string | number | boolean | undefined>;

/** Route → what it takes and answers. `response: null` is a 204. */
export interface ApiRoutes {
	"GET /v1/session": { response: Session };
	"POST /v1/session": { body: Credentials; response: Session };
	"DELETE /v1/session": { response: null };
	"PUT /v1/session/password": { body: PasswordChange; response: null };
	"GET /v1/setup-status": { response: SetupStatus };
	"POST /v1/setup/demo": { response: DemoStatus };
	"GET /v1/setup/demo": { response: DemoStatus };

	"GET /v1/users": { response: List<User> };
	"POST /v1/users": { body: UserInput; response: User };
	"PATCH /v1/users/:id": { body: UserPatch; response: User };
	"DELETE /v1/users/:id": { response: null };
	"PUT /v1/users/:id/password": { body: PasswordReset; response: null };

	"GET /v1/api-keys": { response: List<ApiKey> };
	"POST /v1/api-keys": { body: ApiKeyInput; response: ApiKeyCreated };
	"DELETE /v1/api-keys/:id": { response: null };

	"GET /v1/leads": { query: Partial<Record<keyof LeadListQuery, string>>; response: LeadPage };
	"GET /v1/leads/:id": { response: LeadDetail };
	"PATCH /v1/leads/:id": { body: LeadPatch; response: LeadDetail };
	"GET /v1/leads/:id/score": { response: LeadScore };
	"GET /v1/leads/:id/events": { query: { limit?: number; cursor?: string }; response: EventPage };
	"GET /v1/leads/:id/stages": { response: List<StageChange> };
	"GET /v1/leads/:id/moves": { response: StageMoves };
	"POST /v1/leads/:id/stage": { body: StageMoveRequest; response: null };
	"GET /v1/leads/:id/touches": { response: List<Touch> };
	"POST /v1/leads/:id/touches": { body: TouchInput; response: Touch };

	"GET /v1/handoffs": {
		query: { status?: Handoff["status"]; ownerId?: string; limit?: number };
		response: HandoffList;
	};
	"POST /v1/handoffs/:id/touch": { body: TouchInput; response: Handoff };
	"POST /v1/handoffs/:id/accept": { response: Handoff };
	"POST /v1/handoffs/:id/reject": { body: RejectInput; response: Handoff };

	"GET /v1/forms": { response: List<Form> };
	"POST /v1/forms": { body: FormInput; response: Form };
	"GET /v1/forms/:id": { response: Form };
	"PUT /v1/forms/:id": { body: FormInput; response: Form };
	"GET /v1/forms/:id/results": { response: FormResults };
	"GET /v1/webinars": { response: List<Webinar> };
	"GET /v1/templates": { response: List<Template> };
	"POST /v1/templates": { body: TemplateInput; response: Template };
	"POST /v1/templates/preview": { body: TemplatePreviewRequest; response: RenderedEmail };
	"GET /v1/templates/:id": { response: Template };
	"PUT /v1/templates/:id": { body: TemplateInput; response: Template };
	"DELETE /v1/templates/:id": { response: null };
	"GET /v1/sequences": { response: List<Sequence> };
	"POST /v1/sequences": { body: SequenceInput; response: Sequence };
	"GET /v1/sequences/:id": { response: Sequence };
	"PUT /v1/sequences/:id": { body: SequenceInput; response: Sequence };
	"POST /v1/sequences/:id/status": { body: { status: "active" | "paused" | "archived" }; response: Sequence };
	"POST /v1/sequences/:id/enrolments": { body: { leadIds?: string[]; segment?: string }; response: EnrolResult };
	"GET /v1/sequences/:id/results": { response: SequenceResults };
	"GET /v1/leads/:id/enrolments": { response: List<Enrolment> };
	"DELETE /v1/enrolments/:id": { response: null };
	"GET /v1/nurture/settings": { response: NurtureSettings };
	"PUT /v1/nurture/settings": { body: NurtureSettings; response: NurtureSettings };

	"GET /v1/teams": { response: List<Team> };
	"POST /v1/teams": { body: TeamInput; response: Team };
	"PUT /v1/teams/:id": { body: TeamInput; response: Team };
	"DELETE /v1/teams/:id": { query: { moveTo?: string }; response: TeamDeleted };
	"GET /v1/owners": { query: { teamId?: string }; response: List<Owner> };
	"POST /v1/owners": { body: OwnerInput; response: Owner };
	"PUT /v1/owners/:id": { body: OwnerInput; response: Owner };
	"GET /v1/routing-rules": { response: List<RoutingRule> };
	"POST /v1/routing-rules": { body: RoutingRuleInput; response: RoutingRule };
	"PUT /v1/routing-rules/:id": { body: RoutingRuleInput; response: RoutingRule };
	"DELETE /v1/routing-rules/:id": { response: null };

	"GET /v1/webhooks": { response: List<WebhookEndpoint> };
	"POST /v1/webhooks": { body: WebhookEndpointCreate; response: WebhookEndpointCreated };
	"PATCH /v1/webhooks/:id": { body: WebhookEndpointPatch; response: WebhookEndpoint };
	"DELETE /v1/webhooks/:id": { response: null };
	"POST /v1/webhooks/:id/test": { response: WebhookTestResult };
	"GET /v1/webhooks/:id/attempts": { query: { limit?: number }; response: List<WebhookAttempt> };
	"POST /v1/webhooks/:id/messages/:messageId/replay": { response: null };

	"GET /v1/scoring-models": { response: List<ScoringModel> };
	"POST /v1/scoring-models": { body: ScoringModelCreate; response: ScoringModelWithDocument };
	"POST /v1/scoring-models/validate": { body: unknown; response: DraftCheck };
	"POST /v1/scoring-models/from-signals": { body: DraftFromSignals; response: ScoringModelWithDocument };
	"GET /v1/scoring-models/:id": { response: ScoringModelWithDocument };
	"PUT /v1/scoring-models/:id": { body: unknown; response: ScoringModelWithDocument };
	"DELETE /v1/scoring-models/:id": { response: null };
	"GET /v1/scoring-models/:id/sentences": { response: ModelSentences };
	"GET /v1/scoring-models/:id/publish-preview": { response: PublishPreview };
	"POST /v1/scoring-models/:id/publish": { response: PublishedScoringModel };

	"POST /v1/imports/:kind": { query: ImportQuery; body: Blob; response: ImportReport };
	"GET /v1/scoring-models/:id/backtest": {
		query: { from: string; to: string; targetPrecision?: number; targetVolume?: number; judgeBy?: "sql" | "won" };
		response: BacktestResult;
	};
	"GET /v1/metrics/funnel": { query: FunnelQuery; response: FunnelReport };
	"POST /v1/segments/preview": { body: SegmentPreviewRequest; response: SegmentPreview };
	"GET /v1/segments": { response: List<Segment> };
	"GET /v1/accounts": {
		query: { q?: string; qualified?: "true" | "false"; owner?: string; sort?: string; limit?: string; offset?: string };
		response: AccountPage;
	};
	"GET /v1/accounts/settings": { response: AccountSettings };
	"PUT /v1/accounts/settings": { body: AccountSettings; response: AccountSettings };
	"GET /v1/accounts/:id": { response: AccountDetail };
	"PATCH /v1/accounts/:id": { body: AccountPatch; response: AccountDetail };
	"GET /v1/accounts/:id/timeline": { query: { limit?: string; cursor?: string }; response: AccountTimeline };
	"GET /v1/segments/templates": { response: List<StartingSegment> };
	"PATCH /v1/segments/:id": { body: SegmentUpdate; response: SegmentDetail };
	"GET /v1/segments/:id/history": { query: { days?: string; zone?: string }; response: SegmentHistory };
	"GET /v1/segments/:id/changes": {
		query: { change?: "entered" | "exited"; limit?: string; cursor?: string };
		response: SegmentChangePage;
	};
	"POST /v1/segments/:id/members.csv": {
		query: { action?: "add" | "remove" };
		body: Blob;
		response: SegmentRefresh & { rows: number };
	};
	"POST /v1/segments": { body: SegmentCreate; response: SegmentDetail };
	"GET /v1/segments/:id": { response: SegmentDetail };
	"DELETE /v1/segments/:id": { response: null };
	"POST /v1/segments/:id/refresh": { response: SegmentRefresh };
	"POST /v1/segments/:id/members": {
		body: { add?: string[]; remove?: string[]; addMatching?: Partial<Record<keyof LeadFilters, string>> };
		response: SegmentRefresh;
	};
	"GET /v1/metrics/signals": {
		query: { preset?: PeriodPreset; from?: string; to?: string; zone?: string; minLeads?: number; limit?: number };
		response: SignalsReport;
	};
	"GET /v1/metrics/handoffs": {
		query: { by?: "owner" | "team" | "source"; from: string; to: string; segment?: string; account?: string };
		response: HandoffMetrics;
	};
	"GET /v1/metrics/not-now": {
		query: { from: string; to: string; segment?: string; account?: string };
		response: NotNowReasons;
	};
}

export type ApiRoute = keyof ApiRoutes;

/** The `:names` in a route's path. */
export type PathParams<Path extends string> = Path extends `${string}:${infer Param}/${infer Rest}`
	? Param | PathParams<`/${Rest}`>
	: Path extends `${string}:${infer Param}`
		? Param
		: never;

type PathOf<R extends ApiRoute> = R extends `${string} ${infer Path}` ? Path : never;

/** What a call of a route needs: its path parameters, query and body, where it has them. */
export type RequestOf<R extends ApiRoute> = ([PathParams<PathOf<R>>] extends [never]
	? { params?: undefined }
	: { params: Record<PathParams<PathOf<R>>, string> }) &
	(ApiRoutes[R] extends { query: infer Q } ? { query?: Q & Query } : { query?: undefined }) &
	(ApiRoutes[R] extends { body: infer B } ? { body: B } : { body?: undefined });

export type ResponseOf<R extends ApiRoute> = ApiRoutes[R]["response"];
