import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T = Record<string, unknown>> = ColumnType<T, string, string>;

export interface ApiKeysTable {
	id: string;
	kind: "write" | "secret";
	name: string;
	prefix: string;
	secret_hash: string;
	created_at: Generated<Date>;
	revoked_at: Timestamp | null;
	/** the origins a write key takes browser calls from; null: any */
	origins: Generated<string[] | null>;
}

export interface LeadsTable {
	id: string;
	email: string | null;
	user_id: string | null;
	traits: Json;
	timezone: string | null;
	consent_status: "subscribed" | "pending" | "unsubscribed" | "bounced";
	consent_at: Timestamp | null;
	consent_source: string | null;
	stage: string;
	merged_into: string | null;
	stage_changed_at: Timestamp | null;
	mql_cooldown_until: Timestamp | null;
	score_reset_at: Timestamp | null;
	/** first-touch source: campaign source, else the referring site */
	source: string | null;
	source_at: Timestamp | null;
	first_seen_at: Timestamp;
	last_seen_at: Timestamp;
	/** the latest predictive model's chance of reaching SQL (a copy of lead_predictions, for scoring) */
	predicted_chance: number | null;
	/** its history changed since it was last predicted */
	prediction_due: Generated<boolean>;
	/** the company the lead belongs to (accounts) */
	account_id: Generated<string | null>;
	created_at: Generated<Date>;
	updated_at: Generated<Date>;
}

export interface AccountsTable {
	id: string;
	group_id: string | null;
	domain: string | null;
	name: string | null;
	traits: Generated<Json>;
	owner_id: string | null;
	named: Generated<boolean>;
	members: Generated<number>;
	fit: Generated<number>;
	engagement: Generated<number>;
	engaged_people: Generated<number>;
	roles: Generated<Json>;
	qualified_at: Timestamp | null;
	rolled_up_at: Timestamp | null;
	created_at: Generated<Date>;
}

export interface AccountSettingsTable {
	id: number;
	settings: Json;
	updated_at: Generated<Date>;
}

export interface SignInFailuresTable {
	key: string;
	at: Generated<Date>;
}

export interface IdentitiesTable {
	kind: "email" | "user" | "anonymous";
	value: string;
	lead_id: string;
	created_at: Generated<Date>;
}

export interface EventsTable {
	lead_id: string;
	message_id: string;
	type: string;
	event: string | null;
	name: string | null;
	anonymous_id: string | null;
	user_id: string | null;
	properties: Json;
	traits: Json;
	context: Json;
	device_class: string | null;
	page_path: string | null;
	timestamp: Timestamp;
	sent_at: Timestamp | null;
	received_at: Timestamp;
}

export interface JobsTable {
	id: Generated<number>;
	kind: string;
	payload: Json;
	run_at: Generated<Date>;
	attempts: Generated<number>;
	max_attempts: Generated<number>;
	last_error: string | null;
	locked_until: Date | null;
	done_at: Date | null;
	created_at: Generated<Date>;
}

export interface ScoringModelsTable {
	id: string;
	name: string;
	status: "draft" | "published" | "archived";
	version: number | null;
	document: Json;
	based_on: string | null;
	created_at: Generated<Date>;
	updated_at: Generated<Date>;
	published_at: Timestamp | null;
	archived_at: Timestamp | null;
	published_by: string | null;
}

export interface LeadScoresTable {
	lead_id: string;
	model_version: number;
	state: Json;
	fit: number;
	engagement: number;
	grade: "A" | "B" | "C" | "D";
	temperature: "cold" | "warm" | "hot";
	qualified: boolean;
	qualification: string;
	hand_raised_at: Timestamp | null;
	scored_at: Timestamp;
}

export interface StageChangesTable {
	id: Generated<number>;
	lead_id: string;
	from_stage: string;
	to_stage: string;
	at: Generated<Date>;
	actor: "automation" | "marketing" | "sales" | "admin";
	actor_id: string | null;
	reason: string | null;
	rejection: string | null;
	note: string | null;
	model_version: number | null;
	message_id: string | null;
}

export interface WebhookEndpointsTable {
	id: string;
	url: string;
	description: Generated<string>;
	events: string[];
	secret: string;
	format: Generated<"standard" | "slack">;
	min_score_change: Generated<number>;
	enabled: Generated<boolean>;
	disabled_reason: string | null;
	failing_since: Timestamp | null;
	created_at: Generated<Date>;
	updated_at: Generated<Date>;
}

export interface WebhookMessagesTable {
	id: string;
	type: string;
	payload: Json;
	created_at: Generated<Date>;
}

export interface WebhookAttemptsTable {
	id: Generated<number>;
	message_id: string;
	endpoint_id: string;
	attempt: number;
	at: Generated<Date>;
	status: number | null;
	latency_ms: number | null;
	succeeded: boolean;
	response_excerpt: string | null;
	error: string | null;
}

export interface TeamsTable {
	id: string;
	name: string;
	timezone: Generated<string>;
	sla_minutes: Generated<number>;
	business_days: Generated<number[]>;
	business_start: Generated<string>;
	business_end: Generated<string>;
	manager_email: string | null;
	escalation: Generated<"notify" | "reassign">;
	created_at: Generated<Date>;
}

export interface OwnersTable {
	id: string;
	name: string;
	email: string;
	team_id: string;
	timezone: string | null;
	away: Generated<boolean>;
	max_open: Generated<number>;
	active: Generated<boolean>;
	last_assigned_at: Timestamp | null;
	created_at: Generated<Date>;
}

export interface RoutingRulesTable {
	id: string;
	position: number;
	name: string;
	condition: Json<unknown>;
	team_id: string;
	owner_id: string | null;
	enabled: Generated<boolean>;
	created_at: Generated<Date>;
}

export interface HandoffsTable {
	id: string;
	lead_id: string;
	team_id: string | null;
	owner_id: string | null;
	status: "open" | "accepted" | "rejected" | "closed";
	routed_by: string | null;
	assigned_at: Generated<Date>;
	sla_due_at: Timestamp | null;
	first_touch_at: Timestamp | null;
	first_touch_kind: "call" | "email" | "meeting" | null;
	breached_at: Timestamp | null;
	escalated_at: Timestamp | null;
	outcome_at: Timestamp | null;
	rejection: string | null;
	note: string | null;
	source: string | null;
}

export interface TouchesTable {
	id: Generated<string>;
	lead_id: string;
	handoff_id: string | null;
	kind: "call" | "email" | "meeting" | "note";
	outcome: "connected" | "voicemail" | "no_answer" | null;
	note: string | null;
	at: Timestamp;
	actor_id: string | null;
}

export interface OutcomesTable {
	id: Generated<string>;
	lead_id: string;
	outcome: "opportunity" | "won" | "lost";
	at: Timestamp;
	amount: number | null;
	owner_ref: string | null;
	source: "api" | "import";
	dedupe_key: string;
	created_at: Generated<Date>;
}

export interface ImportMappingsTable {
	key: string;
	mapping: Json;
	types: Json;
	updated_at: Generated<Date>;
}

export interface PredictiveModelsTable {
	id: string;
	trained_at: Timestamp;
	cutoff: Timestamp;
	learner: "logistic" | "boosted";
	columns: Json<unknown[]>;
	parameters: Json;
	card: Json;
}

export interface LeadPredictionsTable {
	lead_id: string;
	model_id: string;
	probability: number;
	reasons: Json<unknown[]>;
	scored_at: Timestamp;
}

export interface SegmentsTable {
	id: string;
	name: string;
	kind: "dynamic" | "static";
	condition: Json | null;
	created_at: Generated<Date>;
	updated_at: Generated<Date>;
	refreshed_at: Timestamp | null;
}

export interface SegmentMembersTable {
	segment_id: string;
	lead_id: string;
	entered_at: Timestamp;
}

export interface SegmentChangesTable {
	id: Generated<number>;
	segment_id: string;
	lead_id: string;
	change: "entered" | "exited";
	at: Timestamp;
}

export interface PredictiveScheduleTable {
	id: Generated<boolean>;
	every_days: number;
	horizon_days: number;
	after_outcome: string[];
	next_at: Timestamp;
	last_run_at: Timestamp | null;
	last_error: string | null;
}

export interface UsersTable {
	id: string;
	email: string;
	name: string;
	role: "admin" | "marketing" | "sales";
	password_hash: string;
	owner_id: string | null;
	created_at: Generated<Date>;
	disabled_at: Timestamp | null;
}

export interface SessionsTable {
	id: string;
	user_id: string;
	csrf_token: string;
	created_at: Generated<Date>;
	last_seen_at: Generated<Date>;
	expires_at: Timestamp;
}

export interface EmailTemplatesTable {
	id: string;
	name: string;
	subject: string;
	html: string;
	text_body: string;
	created_at: Generated<Date>;
	updated_at: Generated<Date>;
}

export interface SequencesTable {
	id: string;
	name: string;
	status: "draft" | "active" | "paused" | "archived";
	version: number;
	paused_reason: string | null;
	created_at: Generated<Date>;
	updated_at: Generated<Date>;
}

export interface SequenceVersionsTable {
	sequence_id: string;
	version: number;
	definition: Json;
	created_at: Generated<Date>;
}

export interface EnrolmentsTable {
	id: string;
	sequence_id: string;
	version: number;
	lead_id: string;
	status: "active" | "completed" | "exited" | "held_out";
	step: number;
	step_started_at: Timestamp;
	next_run_at: Timestamp | null;
	trigger: string;
	entered_at: Timestamp;
	ended_at: Timestamp | null;
	exit_reason: string | null;
}

export interface EmailSendsTable {
	id: string;
	enrolment_id: string | null;
	sequence_id: string | null;
	step: string | null;
	template_id: string | null;
	lead_id: string;
	to_address: string | null;
	status: "queued" | "sending" | "sent" | "suppressed" | "cancelled" | "failed" | "uncertain";
	reason: string | null;
	due_at: Timestamp;
	claimed_at: Timestamp | null;
	sent_at: Timestamp | null;
	message_id: string | null;
	links: Generated<number>;
	bounced_at: Timestamp | null;
	complained_at: Timestamp | null;
	unsubscribed_at: Timestamp | null;
	created_at: Generated<Date>;
}

export interface EmailActivityTable {
	id: Generated<number>;
	send_id: string;
	kind: "open" | "click";
	url: string | null;
	machine: string | null;
	at: Timestamp;
}

export interface SuppressionsTable {
	email: string;
	reason: "unsubscribed" | "bounced" | "complained" | "manual";
	at: Timestamp;
	source: string | null;
}

export interface NurtureSettingsTable {
	id: number;
	settings: Json;
	link_secret: string;
	updated_at: Generated<Date>;
}

export interface FormsTable {
	id: string;
	slug: string;
	name: string;
	definition: Json;
	views: Generated<string>;
	created_at: Generated<Date>;
	updated_at: Generated<Date>;
}

export interface FormSubmissionsTable {
	id: string;
	form_id: string;
	lead_id: string | null;
	answers: Json;
	consent_text: string | null;
	consent_at: Timestamp | null;
	at: Timestamp;
	confirmed_at: Timestamp | null;
	not_now_reason: string | null;
}

export interface FormStartsTable {
	form_id: string;
	token: string;
	at: Timestamp;
}

export interface AdSourcesTable {
	id: string;
	name: string;
	platform: "facebook" | "linkedin";
	secret: string;
	mapping: Json<Record<string, string>>;
	created_at: Generated<Date>;
}

export interface WebinarsTable {
	id: string;
	name: string;
	starts_at: Timestamp;
	secret: string;
	created_at: Generated<Date>;
}

export interface Tables {
	api_keys: ApiKeysTable;
	leads: LeadsTable;
	sign_in_failures: SignInFailuresTable;
	identities: IdentitiesTable;
	events: EventsTable;
	jobs: JobsTable;
	scoring_models: ScoringModelsTable;
	lead_scores: LeadScoresTable;
	stage_changes: StageChangesTable;
	webhook_endpoints: WebhookEndpointsTable;
	webhook_messages: WebhookMessagesTable;
	webhook_attempts: WebhookAttemptsTable;
	teams: TeamsTable;
	owners: OwnersTable;
	routing_rules: RoutingRulesTable;
	handoffs: HandoffsTable;
	touches: TouchesTable;
	outcomes: OutcomesTable;
	import_mappings: ImportMappingsTable;
	predictive_models: PredictiveModelsTable;
	lead_predictions: LeadPredictionsTable;
	predictive_schedule: PredictiveScheduleTable;
	segments: SegmentsTable;
	segment_members: SegmentMembersTable;
	segment_changes: SegmentChangesTable;
	accounts: AccountsTable;
	account_settings: AccountSettingsTable;
	users: UsersTable;
	sessions: SessionsTable;
	email_templates: EmailTemplatesTable;
	sequences: SequencesTable;
	sequence_versions: SequenceVersionsTable;
	enrolments: EnrolmentsTable;
	email_sends: EmailSendsTable;
	email_activity: EmailActivityTable;
	suppressions: SuppressionsTable;
	nurture_settings: NurtureSettingsTable;
	forms: FormsTable;
	form_submissions: FormSubmissionsTable;
	form_starts: FormStartsTable;
	ad_sources: AdSourcesTable;
	webinars: WebinarsTable;
}
