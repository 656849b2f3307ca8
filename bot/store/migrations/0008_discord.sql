-- Discord door: forms shown as modals, kept so a submission (or a "reopen" button) still works after a
-- restart. A form is stored once per member under the hash of its content (only that member may open
-- it; /forget-me erases it through user_id); progress holds the answers of a form filled over several
-- modals (more than 5 fields). Both are forgotten 30 days after their last use.
CREATE TABLE discord_forms (
    hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE discord_form_progress (
    user_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    answers TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, hash)
);
