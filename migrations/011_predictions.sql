-- The predictive score: each trained model with its columns, parameters and model card, and each
-- lead's predicted chance of reaching SQL under the latest one, with the reasons that weigh most.
create table predictive_models (
  id uuid primary key,
  trained_at timestamptz not null,
  cutoff timestamptz not null,
  learner text not null check (learner in ('logistic', 'boosted')),
  columns jsonb not null,
  parameters jsonb not null,
  card jsonb not null
);

create table lead_predictions (
  lead_id uuid primary key,
  model_id uuid not null references predictive_models (id) on delete cascade,
  probability double precision not null,
  reasons jsonb not null,
  scored_at timestamptz not null
);
