-- The predictive score in use: each lead's latest chance is kept on its row, where scoring reads
-- its profile (fit rules, disqualifiers and the qualification can test it), and a lead whose
-- history changed is due a new prediction, made by the worker shortly after. Retraining can be
-- scheduled: every N days, on the leads known N horizon days before.
alter table leads add column predicted_chance double precision;
alter table leads add column prediction_due boolean not null default true;
create index leads_prediction_due_idx on leads (id) where prediction_due and merged_into is null;

create table predictive_schedule (
  id boolean primary key default true check (id),
  every_days int not null check (every_days between 1 and 365),
  horizon_days int not null check (horizon_days between 1 and 3650),
  after_outcome text[] not null default '{}',
  next_at timestamptz not null,
  last_run_at timestamptz,
  last_error text
);
