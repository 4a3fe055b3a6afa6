-- Webinars: registration by form, attendance by the platform's CSV export or its signed webhook.
create table webinars (
  id uuid primary key,
  name text not null unique,
  starts_at timestamptz not null,
  secret text not null,
  created_at timestamptz not null default now()
);
