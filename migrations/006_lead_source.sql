-- First-touch source of each lead (campaign source, else referring site), for filters and analytics.
alter table leads add column source text;
alter table leads add column source_at timestamptz;
create index leads_source_idx on leads (source) where merged_into is null;

-- Earlier data: the first campaign-tagged event (ingest also counts other sites' referrers from now on).
update leads l set source = f.source, source_at = f.timestamp
from (
  select distinct on (lead_id) lead_id, timestamp, lower(btrim(context -> 'campaign' ->> 'source')) as source
  from events
  where nullif(btrim(context -> 'campaign' ->> 'source'), '') is not null
  order by lead_id, timestamp
) f
where f.lead_id = l.id;

-- Analytics reads stage reach by time; handoffs by assignment time.
create index handoffs_by_assigned on handoffs (assigned_at);
