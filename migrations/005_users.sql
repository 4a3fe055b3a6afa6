-- People who sign in to the web app, with a role the API enforces.
create table users (
  id uuid primary key,
  email text not null unique,
  name text not null,
  role text not null check (role in ('admin', 'marketing', 'sales')),
  password_hash text not null,
  owner_id uuid references owners (id) on delete set null,
  created_at timestamptz not null default now(),
  disabled_at timestamptz
);

-- Sessions are looked up by the SHA-256 of their cookie token; the token itself is never stored.
create table sessions (
  id text primary key,
  user_id uuid not null references users (id) on delete cascade,
  csrf_token text not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null
);

create index sessions_by_user on sessions (user_id);
