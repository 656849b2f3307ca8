-- FAQ learning loop (issue 14 #4): drafts of new topics, and questions posted to the help channel.
-- A draft's people are kept as "platform:user_id" (the author of a chosen message may not be a member yet),
-- so /forget-me finds them by the member's platform id: `asker` is told when it is published, `people` are
-- everyone whose words it holds (asker, answer's author, the askers of grouped questions); `created_by` is
-- the admin who made it.
CREATE TABLE faq_drafts (
    id INTEGER PRIMARY KEY,
    topic_id TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open',
    origin TEXT NOT NULL,
    content TEXT NOT NULL DEFAULT '{}',
    group_key TEXT UNIQUE,
    asker TEXT,
    asker_lang TEXT,
    people TEXT NOT NULL DEFAULT '[]',
    created_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    published_at TEXT,
    stored TEXT,
    toml TEXT
);
CREATE INDEX faq_drafts_status ON faq_drafts (status);

-- A question a member chose to ask the people of the help channel; `code` (random) names it in the post,
-- so an admin saving an answer from its thread can tell the member who asked.
CREATE TABLE faq_help_posts (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    ask_id INTEGER REFERENCES faq_asks (id) ON DELETE SET NULL,
    question TEXT NOT NULL,
    lang TEXT NOT NULL,
    mention INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX faq_help_posts_member ON faq_help_posts (member_id);
