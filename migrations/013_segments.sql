-- Segments: a saved condition (dynamic: leads come and go as it says) or a hand-kept list
-- (static), its members now, and every entry and exit with its time.
create table segments (
  id uuid primary key,
  name text not null,
  kind text not null check (kind in ('dynamic', 'static')),
  condition jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  refreshed_at timestamptz,
  check ((kind = 'dynamic') = (condition is not null))
);
create unique index segments_name_idx on segments (lower(name));

create table segment_members (
  segment_id uuid not null references segments (id) on delete cascade,
  lead_id uuid not null,
  entered_at timestamptz not null,
  primary key (segment_id, lead_id)
);
create index segment_members_lead_idx on segment_members (lead_id);

create table segment_changes (
  id bigint generated always as identity primary key,
  segment_id uuid not null references segments (id) on delete cascade,
  lead_id uuid not null,
  change text not null check (change in ('entered', 'exited')),
  at timestamptz not null
);
create index segment_changes_segment_idx on segment_changes (segment_id, at);
