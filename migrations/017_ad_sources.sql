-- Lead-ad platforms that post leads to a signed webhook: each with its secret and field mapping.
create table ad_sources (
  id uuid primary key,
  name text not null unique,
  platform text not null check (platform in ('facebook', 'linkedin')),
  secret text not null,
  mapping jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
