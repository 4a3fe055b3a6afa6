-- Sales teams, their people, routing rules, and the handoff of each MQL to an owner.
create table teams (
  id uuid primary key,
  name text not null unique,
  timezone text not null default 'UTC',
  -- first touch within this many business minutes of assignment
  sla_minutes int not null default 60 check (sla_minutes > 0),
  business_days int[] not null default '{1,2,3,4,5}',
  business_start time not null default '09:00',
  business_end time not null default '17:00',
  manager_email text,
  escalation text not null default 'notify' check (escalation in ('notify', 'reassign')),
  created_at timestamptz not null default now()
);

create table owners (
  id uuid primary key,
  name text not null,
  email text not null unique,
  team_id uuid not null references teams (id),
  timezone text,
  away boolean not null default false,
  max_open int not null default 25 check (max_open >= 0),
  active boolean not null default true,
  last_assigned_at timestamptz,
  created_at timestamptz not null default now()
);

create table routing_rules (
  id uuid primary key,
  position int not null,
  name text not null,
  condition jsonb not null,
  team_id uuid not null references teams (id),
  owner_id uuid references owners (id),
  enabled boolean not null default true,
  created_at timestamptz not null default now()
);

create table handoffs (
  id uuid primary key,
  lead_id uuid not null,
  team_id uuid references teams (id),
  owner_id uuid references owners (id),
  status text not null check (status in ('open', 'accepted', 'rejected', 'closed')),
  routed_by text,
  assigned_at timestamptz not null default now(),
  sla_due_at timestamptz,
  first_touch_at timestamptz,
  first_touch_kind text check (first_touch_kind in ('call', 'email', 'meeting')),
  breached_at timestamptz,
  escalated_at timestamptz,
  outcome_at timestamptz,
  rejection text,
  note text,
  source text
);

create index handoffs_queue on handoffs (owner_id, status, sla_due_at);
create index handoffs_by_lead on handoffs (lead_id, assigned_at desc);
create unique index handoffs_one_open_per_lead on handoffs (lead_id) where status = 'open';

-- A score reset (when sales recycles a lead): only events from this time on count.
alter table leads add column score_reset_at timestamptz;
