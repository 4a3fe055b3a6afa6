-- Every stage change: who or what made it, why, and what caused it.
create table stage_changes (
  id bigint generated always as identity primary key,
  lead_id uuid not null,
  from_stage text not null,
  to_stage text not null,
  at timestamptz not null default now(),
  actor text not null check (actor in ('automation', 'marketing', 'sales', 'admin')),
  actor_id text,
  reason text,
  rejection text,
  note text,
  model_version int,
  message_id text
);

create index stage_changes_by_lead on stage_changes (lead_id, at);
create index stage_changes_by_stage on stage_changes (to_stage, at);

-- A recycled lead may not become an MQL again before this time.
alter table leads add column stage_changed_at timestamptz;
alter table leads add column mql_cooldown_until timestamptz;

-- Webhooks: endpoints subscribe to event types; each event is stored once as a message and
-- delivered to each subscribed endpoint by a job, every attempt logged.
create table webhook_endpoints (
  id uuid primary key,
  url text not null,
  description text not null default '',
  events text[] not null,
  secret text not null,
  format text not null default 'standard' check (format in ('standard', 'slack')),
  min_score_change double precision not null default 0,
  enabled boolean not null default true,
  disabled_reason text,
  failing_since timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table webhook_messages (
  id text primary key,
  type text not null,
  payload jsonb not null,
  created_at timestamptz not null default now()
);

create table webhook_attempts (
  id bigint generated always as identity primary key,
  message_id text not null,
  endpoint_id uuid not null,
  attempt int not null,
  at timestamptz not null default now(),
  status int,
  latency_ms int,
  succeeded boolean not null,
  response_excerpt text,
  error text
);

create index webhook_attempts_by_endpoint on webhook_attempts (endpoint_id, at desc);
create index webhook_attempts_by_message on webhook_attempts (message_id, at);
