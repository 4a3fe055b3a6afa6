-- Nurture: e-mail templates, versioned sequences, enrolments, sends and suppressions.

create table email_templates (
  id uuid primary key,
  name text not null unique,
  subject text not null,
  html text not null,
  text_body text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- A sequence's current version and state; its versions keep every definition it ever had, so
-- that running enrolments finish on the one they started.
create table sequences (
  id uuid primary key,
  name text not null unique,
  status text not null check (status in ('draft', 'active', 'paused', 'archived')),
  version int not null,
  paused_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table sequence_versions (
  sequence_id uuid not null references sequences (id) on delete cascade,
  version int not null,
  definition jsonb not null,
  created_at timestamptz not null default now(),
  primary key (sequence_id, version)
);

-- One lead's way through one sequence. Held-out leads are recorded and never e-mailed, so that
-- the sequence's results can be compared with leads it did not touch.
create table enrolments (
  id uuid primary key,
  sequence_id uuid not null references sequences (id) on delete cascade,
  version int not null,
  lead_id uuid not null references leads (id) on delete cascade,
  status text not null check (status in ('active', 'completed', 'exited', 'held_out')),
  step int not null default 0,
  step_started_at timestamptz not null,
  next_run_at timestamptz,
  trigger text not null,
  entered_at timestamptz not null,
  ended_at timestamptz,
  exit_reason text
);
create unique index enrolments_one_running on enrolments (sequence_id, lead_id) where status = 'active';
create index enrolments_due on enrolments (next_run_at) where status = 'active';
create index enrolments_lead on enrolments (lead_id, sequence_id);
create index enrolments_sequence on enrolments (sequence_id, entered_at);

-- Every e-mail a step decided to send, and what became of it. 'sending' is committed before the
-- SMTP call, so a worker that dies mid-send leaves it 'uncertain' and it is never sent twice.
create table email_sends (
  id uuid primary key,
  enrolment_id uuid references enrolments (id) on delete cascade,
  sequence_id uuid,
  step text,
  template_id uuid references email_templates (id) on delete set null,
  lead_id uuid not null references leads (id) on delete cascade,
  to_address text,
  status text not null check (status in
    ('queued', 'sending', 'sent', 'suppressed', 'cancelled', 'failed', 'uncertain')),
  reason text,
  due_at timestamptz not null,
  claimed_at timestamptz,
  sent_at timestamptz,
  message_id text unique,
  -- how many tracked links it carried (clicks on all of them at once are a scanner's)
  links int not null default 0,
  bounced_at timestamptz,
  complained_at timestamptz,
  unsubscribed_at timestamptz,
  created_at timestamptz not null default now()
);
create index email_sends_lead on email_sends (lead_id, sent_at);
create index email_sends_sequence on email_sends (sequence_id, step);
create index email_sends_sending on email_sends (claimed_at) where status = 'sending';

-- Opens and clicks on a send, human and machine apart.
create table email_activity (
  id bigint generated always as identity primary key,
  send_id uuid not null references email_sends (id) on delete cascade,
  kind text not null check (kind in ('open', 'click')),
  url text,
  machine text,
  at timestamptz not null
);
create index email_activity_send on email_activity (send_id, at);

-- Addresses that must not be e-mailed. Checked in the transaction that claims each send.
create table suppressions (
  email text primary key,
  reason text not null check (reason in ('unsubscribed', 'bounced', 'complained', 'manual')),
  at timestamptz not null,
  source text
);

-- The nurture settings in force (one row) and the secret that signs links in e-mails.
create table nurture_settings (
  id int primary key check (id = 1),
  settings jsonb not null,
  link_secret text not null,
  updated_at timestamptz not null default now()
);
