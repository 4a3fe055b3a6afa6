-- Every change to handoffs tells listeners at commit, so that open sales queues refresh at once.
create function notify_handoffs() returns trigger language plpgsql as $$
begin
  perform pg_notify('qualify_handoffs', '');
  return null;
end;
$$;

create trigger handoffs_notify after insert or update on handoffs
  for each statement execute function notify_handoffs();
