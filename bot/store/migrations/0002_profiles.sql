-- Member profiles (onboarding), used by welcome/onboarding and peer matching.
-- languages and interests are JSON lists of codes; stage is one of
-- exploration, design, adaptation, pilot, scale-up, operations, not-implementing.
CREATE TABLE profiles (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    role TEXT,
    country TEXT,
    organisation TEXT,
    stage TEXT,
    languages TEXT NOT NULL DEFAULT '[]',
    interests TEXT NOT NULL DEFAULT '[]',
    peer_consent INTEGER NOT NULL DEFAULT 0,
    onboarding_done INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
