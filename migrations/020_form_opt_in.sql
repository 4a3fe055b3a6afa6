-- Double opt-in: an address a form asked to confirm is 'pending' until its owner clicks the link.
alter table leads drop constraint leads_consent_status_check;
alter table leads add constraint leads_consent_status_check
  check (consent_status in ('subscribed', 'pending', 'unsubscribed', 'bounced'));

-- When a double opt-in submission was confirmed; the reason a survey's "why not now" answer names.
alter table form_submissions add column confirmed_at timestamptz;
alter table form_submissions add column not_now_reason text;
create index form_submissions_not_now on form_submissions (at) where not_now_reason is not null;

-- A form started: the first field touched on a page view (its signed shown-at token, counted once).
create table form_starts (
  form_id uuid not null references forms (id) on delete cascade,
  token text not null,
  at timestamptz not null,
  primary key (form_id, token)
);
