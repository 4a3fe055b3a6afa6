-- Scoring models: drafts are editable; a published model is immutable and has a version.
-- The active model is the published one with the highest version.
create table scoring_models (
  id uuid primary key,
  name text not null,
  status text not null default 'draft' check (status in ('draft', 'published', 'archived')),
  version int unique,
  document jsonb not null,
  based_on uuid references scoring_models (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  published_at timestamptz,
  archived_at timestamptz,
  check ((status = 'draft') = (version is null))
);

-- One row per lead and model version: the engine's state and the score it gave, as of scored_at.
create table lead_scores (
  lead_id uuid not null,
  model_version int not null,
  state jsonb not null,
  fit double precision not null,
  engagement double precision not null,
  grade text not null check (grade in ('A', 'B', 'C', 'D')),
  temperature text not null check (temperature in ('cold', 'warm', 'hot')),
  qualified boolean not null,
  qualification text not null,
  hand_raised_at timestamptz,
  scored_at timestamptz not null,
  primary key (lead_id, model_version)
);

create index lead_scores_by_engagement on lead_scores (model_version, engagement desc);
create index lead_scores_by_fit on lead_scores (model_version, fit desc);
