-- A write key used in browsers may be limited to the sites (origins) allowed to send with it.
alter table api_keys add column origins text[];
