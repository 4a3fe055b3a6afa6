-- Every touch sales logs on a lead: calls with their outcome, e-mails, meetings and notes.
-- The first touch that is not a note also stops its handoff's SLA clock (handoffs.first_touch_at).
create table touches (
  id bigint generated always as identity primary key,
  lead_id uuid not null,
  handoff_id uuid references handoffs (id),
  kind text not null check (kind in ('call', 'email', 'meeting', 'note')),
  outcome text check (outcome in ('connected', 'voicemail', 'no_answer')),
  note text,
  at timestamptz not null,
  actor_id text,
  check (kind = 'call' or outcome is null),
  check (kind <> 'note' or note is not null)
);
create index touches_by_lead on touches (lead_id, at desc);

-- Who published each scoring model version.
alter table scoring_models add column published_by text;
