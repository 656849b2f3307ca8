-- Peer matching: who takes part, who they never want to meet, rounds, groups and check-in answers.
CREATE TABLE peer_participants (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'active',            -- active | left | paused
    wants_mentor INTEGER NOT NULL DEFAULT 0,
    snoozed_until TEXT,
    ignored_checkins INTEGER NOT NULL DEFAULT 0,
    joined_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE peer_exclusions (
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    excluded_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (member_id, excluded_id)
);

CREATE TABLE peer_rounds (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                               -- scheduled | manual
    slot TEXT NOT NULL,                               -- the cadence slot (scheduled) or the start (manual)
    started_at TEXT NOT NULL,
    checkin_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    checkin_sent INTEGER NOT NULL DEFAULT 0,
    closed INTEGER NOT NULL DEFAULT 0,
    score INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kind, slot)
);

CREATE TABLE peer_groups (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES peer_rounds (id) ON DELETE CASCADE,
    platform TEXT NOT NULL,
    language TEXT NOT NULL
);
CREATE INDEX peer_groups_round ON peer_groups (round_id);

CREATE TABLE peer_group_members (
    group_id INTEGER NOT NULL REFERENCES peer_groups (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    answer TEXT,                                      -- yes | not_yet | no (NULL: no answer yet)
    answered_at TEXT,
    PRIMARY KEY (group_id, member_id)
);
CREATE INDEX peer_group_members_member ON peer_group_members (member_id);

CREATE TABLE peer_unmatched (
    round_id INTEGER NOT NULL REFERENCES peer_rounds (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    PRIMARY KEY (round_id, member_id)
);
