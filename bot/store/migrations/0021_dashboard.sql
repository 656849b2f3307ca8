-- Admin dashboard sign-in (issue 21 #2): one-time links and sessions, stored as SHA-256 hashes of their
-- random tokens (the database never holds a usable token). Erased with the member.
CREATE TABLE dashboard_links (
    token_hash TEXT PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL
);

CREATE TABLE dashboard_sessions (
    session_hash TEXT PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL
);
CREATE INDEX dashboard_sessions_member ON dashboard_sessions (member_id);
