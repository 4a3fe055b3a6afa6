-- Foundation: API keys, leads with identities, events partitioned by month, jobs.

create table api_keys (
  id text primary key,
  kind text not null check (kind in ('write', 'secret')),
  name text not null,
  prefix text not null,
  secret_hash text not null unique,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);

create table leads (
  id uuid primary key,
  email text,
  user_id text,
  traits jsonb not null default '{}'::jsonb,
  timezone text,
  consent_status text not null default 'subscribed'
    check (consent_status in ('subscribed', 'unsubscribed', 'bounced')),
  consent_at timestamptz,
  consent_source text,
  stage text not null default 'lead',
  merged_into uuid references leads (id) on delete set null,
  first_seen_at timestamptz not null,
  last_seen_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index leads_created_idx on leads (created_at desc, id desc) where merged_into is null;
create index leads_last_seen_idx on leads (last_seen_at desc, id desc) where merged_into is null;
create index leads_email_idx on leads (email) where merged_into is null;
create index leads_stage_idx on leads (stage) where merged_into is null;

-- Every way a lead is known: email (lower-cased), user id, anonymous ids.
create table identities (
  kind text not null check (kind in ('email', 'user', 'anonymous')),
  value text not null,
  lead_id uuid not null references leads (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (kind, value)
);
create index identities_lead_idx on identities (lead_id);

create table lead_merges (
  id bigint generated always as identity primary key,
  survivor_id uuid not null,
  merged_id uuid not null,
  reason text not null,
  message_id text,
  merged_at timestamptz not null default now()
);
create index lead_merges_survivor_idx on lead_merges (survivor_id);

-- One row per messageId ever accepted: retries and concurrent duplicates stop here,
-- since the partitioned events table cannot hold a unique key without the timestamp.
create table message_ids (
  message_id text primary key,
  received_at timestamptz not null
);

create table events (
  lead_id uuid not null,
  message_id text not null,
  type text not null check (type in ('track', 'identify', 'page', 'screen', 'group', 'alias')),
  event text,
  name text,
  anonymous_id text,
  user_id text,
  properties jsonb not null default '{}'::jsonb,
  traits jsonb not null default '{}'::jsonb,
  context jsonb not null default '{}'::jsonb,
  device_class text,
  page_path text,
  timestamp timestamptz not null,
  sent_at timestamptz,
  received_at timestamptz not null,
  primary key (lead_id, timestamp, message_id)
) partition by range (timestamp);

create table jobs (
  id bigint generated always as identity primary key,
  kind text not null,
  payload jsonb not null default '{}'::jsonb,
  run_at timestamptz not null default now(),
  attempts int not null default 0,
  max_attempts int not null default 20,
  last_error text,
  locked_until timestamptz,
  done_at timestamptz,
  created_at timestamptz not null default now()
);
create index jobs_due_idx on jobs (run_at) where done_at is null;
