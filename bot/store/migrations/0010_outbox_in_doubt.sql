-- A message interrupted mid-send (the process stopped between sending and recording it) is "in doubt":
-- before sending it again, the door is asked whether the platform already has it.
ALTER TABLE outbox ADD COLUMN in_doubt INTEGER NOT NULL DEFAULT 0;
