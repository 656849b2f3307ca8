-- Feedback the community steers (issue 21): one vote per member and item, and the scope triage gives an item.
-- A vote names only the voter and the item; on an anonymous item it says nothing about who filed it.
-- Marking an item a duplicate copies its votes (and its named author, as a voter) onto the item it duplicates.
ALTER TABLE feedback_items ADD COLUMN scope TEXT NOT NULL DEFAULT 'undecided';

CREATE TABLE feedback_votes (
    item_id INTEGER NOT NULL REFERENCES feedback_items (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    voted_at TEXT NOT NULL,
    PRIMARY KEY (item_id, member_id)
) WITHOUT ROWID;
CREATE INDEX feedback_votes_member ON feedback_votes (member_id);
