-- Slack request signatures accepted in HTTP mode, kept in the database so that every replica on it refuses
-- a replayed request, whichever replica the first one reached; kept until bolt would refuse the request's
-- timestamp anyway (expires_at, epoch seconds), then forgotten.
CREATE TABLE seen_signatures (
    signature TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE INDEX seen_signatures_expiry ON seen_signatures (expires_at);
