-- Usability feedback (issue 7). An item's reference is FB-<id, 4 digits>.
-- member_id is NULL for anonymous items (and after the member asked to be forgotten): nothing else
-- in these tables names a member. created_at of anonymous items is kept to the day only.
CREATE TABLE feedback_items (
    id INTEGER PRIMARY KEY,
    member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    anonymous INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL,
    category TEXT NOT NULL,
    module TEXT NOT NULL,
    rating INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
    description TEXT NOT NULL,
    steps TEXT,
    status TEXT NOT NULL DEFAULT 'new',
    duplicate_of INTEGER REFERENCES feedback_items (id) ON DELETE SET NULL,
    note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX feedback_items_member ON feedback_items (member_id);
CREATE INDEX feedback_items_status ON feedback_items (status, category);
CREATE INDEX feedback_items_created ON feedback_items (created_at);

-- Every status change, in order (seq 1, 2, ... per item); the outbox keys use (item, seq).
CREATE TABLE feedback_changes (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES feedback_items (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    previous TEXT NOT NULL,
    status TEXT NOT NULL,
    duplicate_of INTEGER,
    note TEXT,
    admin_member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    changed_at TEXT NOT NULL,
    UNIQUE (item_id, seq)
);
