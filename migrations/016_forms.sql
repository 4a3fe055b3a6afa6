-- Forms: hosted sign-up forms whose submissions identify leads through ingest.
create table forms (
  id uuid primary key,
  slug text not null unique,
  name text not null,
  definition jsonb not null,
  views bigint not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Each accepted submission: what was given, the consent wording shown and when it was given.
create table form_submissions (
  id uuid primary key,
  form_id uuid not null references forms (id) on delete cascade,
  lead_id uuid references leads (id) on delete set null,
  answers jsonb not null,
  consent_text text,
  consent_at timestamptz,
  at timestamptz not null
);
create index form_submissions_form on form_submissions (form_id, at);
create index form_submissions_lead on form_submissions (lead_id);
