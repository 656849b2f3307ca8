-- Welcome follow-up sequence: one row per welcomed member. next_step names the next follow-up
-- (see BOT_WELCOME_FOLLOWUPS), due_at is when it is due (UTC ISO); stopped is NULL while the
-- sequence runs, then 'done' or 'opted-out' (due_at NULL).
CREATE TABLE welcome_followups (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    next_step TEXT,
    due_at TEXT,
    stopped TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX welcome_followups_due ON welcome_followups (due_at);
