-- Accounts: the companies leads belong to, known from group calls (group_id) or from work e-mail
-- domains (never a free-mail one), with their traits, rolled-up scores and owner.
create table accounts (
  id uuid primary key,
  group_id text unique,
  domain text unique,
  name text,
  traits jsonb not null default '{}'::jsonb,
  -- a named account: its owner is set by hand and never re-routed
  owner_id uuid references owners (id) on delete set null,
  named boolean not null default false,
  members int not null default 0,
  fit double precision not null default 0,
  engagement double precision not null default 0,
  engaged_people int not null default 0,
  roles jsonb not null default '{}'::jsonb,
  -- when it last qualified as a marketing-qualified account (MQA); null while it does not
  qualified_at timestamptz,
  rolled_up_at timestamptz,
  created_at timestamptz not null default now(),
  check (group_id is not null or domain is not null)
);
create index accounts_name_idx on accounts (lower(name));

alter table leads add column account_id uuid;
create index leads_account_idx on leads (account_id) where account_id is not null;

-- The account model: fit rules on company traits, the cap per person, the MQA thresholds.
create table account_settings (
  id int primary key check (id = 1),
  settings jsonb not null,
  updated_at timestamptz not null default now()
);
