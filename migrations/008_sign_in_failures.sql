-- Failed sign-ins by e-mail and by client address, to slow down password guessing.
create table sign_in_failures (
  key text not null,
  at timestamptz not null default now()
);
create index sign_in_failures_by_key on sign_in_failures (key, at);
create index sign_in_failures_by_age on sign_in_failures (at);
