-- Webinars: scheduled sessions (one-off or recurring), RSVPs, members' reminder offsets, drafts awaiting
-- confirmation, recording links per occurrence. Times are UTC ISO strings; local_start is the naive
-- wall-clock start in `timezone`, from which the recurrence is expanded.
CREATE TABLE webinars (
    id INTEGER PRIMARY KEY,
    status TEXT NOT NULL DEFAULT 'scheduled',
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    local_start TEXT NOT NULL,
    timezone TEXT NOT NULL,
    duration_min INTEGER NOT NULL,
    language TEXT NOT NULL,
    link TEXT NOT NULL,
    rrule TEXT,
    sequence INTEGER NOT NULL DEFAULT 0,
    processed_until TEXT NOT NULL,
    created_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX webinars_status ON webinars (status);

CREATE TABLE webinar_rsvps (
    webinar_id INTEGER NOT NULL REFERENCES webinars (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    answer TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (webinar_id, member_id)
);

CREATE TABLE webinar_reminder_prefs (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    offsets TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE webinar_drafts (
    id INTEGER PRIMARY KEY,
    webinar_id INTEGER REFERENCES webinars (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    created_at TEXT NOT NULL
);

CREATE TABLE webinar_recordings (
    webinar_id INTEGER NOT NULL REFERENCES webinars (id) ON DELETE CASCADE,
    occurrence TEXT NOT NULL,
    url TEXT NOT NULL,
    set_at TEXT NOT NULL,
    PRIMARY KEY (webinar_id, occurrence)
);
