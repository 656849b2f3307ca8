-- Personal calendar feeds: one unguessable token per member (erased with the member).
CREATE TABLE calendar_tokens (
    token TEXT PRIMARY KEY,
    member_id INTEGER NOT NULL UNIQUE REFERENCES members (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);
