-- Outbox claims carry a lease (issue 16): the process holding a row ('sending') is named in lease_owner
-- (host, process id and a start nonce), lease_until is its own deadline, renewed while it sends, and
-- lease_beats counts every claim and renewal. Another process takes a row back only after watching
-- lease_beats stand still for a whole lease length on its own monotonic clock, so a live holder's rows
-- are never queued again, whatever the wall clocks do. Portable SQL: the same file serves PostgreSQL.
ALTER TABLE outbox ADD COLUMN lease_owner TEXT;
ALTER TABLE outbox ADD COLUMN lease_until TEXT;
ALTER TABLE outbox ADD COLUMN lease_beats INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_leases ON outbox (status, lease_owner);
