-- The onboarding question last shown to the member and when (bot/store/profiles.py, set_asking): a DM that
-- answers it in words is read as the answer instead of an FAQ question. NULL: no question pending.
ALTER TABLE profiles ADD COLUMN asking TEXT;
ALTER TABLE profiles ADD COLUMN asking_since TEXT;
