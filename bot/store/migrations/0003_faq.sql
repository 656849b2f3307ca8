-- FAQ: every question the bot was asked (to find gaps in the content) and "was this helpful?" votes.
-- member_id is set to NULL when a member is deleted: the anonymous question still shows the gap.
CREATE TABLE faq_asks (
    id INTEGER PRIMARY KEY,
    member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    question TEXT NOT NULL,
    norm TEXT NOT NULL,
    lang TEXT NOT NULL,
    decision TEXT NOT NULL,
    answer_id TEXT,
    suggestions TEXT NOT NULL DEFAULT '[]',
    confidence REAL NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX faq_asks_norm ON faq_asks (norm);
CREATE INDEX faq_asks_member ON faq_asks (member_id);

CREATE TABLE faq_votes (
    ask_id INTEGER NOT NULL REFERENCES faq_asks (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    topic_id TEXT NOT NULL,
    helpful INTEGER NOT NULL,
    voted_at TEXT NOT NULL,
    PRIMARY KEY (ask_id, member_id)
);
