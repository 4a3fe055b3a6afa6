-- What became of a lead: an opportunity, a deal won or lost, with when and how much. They label
-- leads for analytics and training, and move the stage forward through the lifecycle.
create table outcomes (
  id bigint generated always as identity primary key,
  lead_id uuid not null,
  outcome text not null check (outcome in ('opportunity', 'won', 'lost')),
  at timestamptz not null,
  amount double precision,
  owner_ref text,
  source text not null check (source in ('api', 'import')),
  -- the same outcome sent or imported again is the same row
  dedupe_key text not null unique,
  created_at timestamptz not null default now()
);
create index outcomes_by_lead on outcomes (lead_id, at);

-- How the columns of a file were mapped, by its headers, offered again for the next file like it.
create table import_mappings (
  key text primary key,
  mapping jsonb not null,
  types jsonb not null default '{}',
  updated_at timestamptz not null default now()
);
