-- The role (Discord) or user group (Slack) a webinar's announcement mentions, as a key of DISCORD_ROLES /
-- SLACK_USERGROUPS such as 'lang:fr' (bot/services/webinar_mention.py); NULL: no mention.
ALTER TABLE webinars ADD COLUMN mention TEXT;
