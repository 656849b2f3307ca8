-- Privacy (issue 15): a "private" outbox row is about an anonymous act (an anonymous feedback item's posts)
-- or is a member's direct answer delivered late: its times are kept to the day, and it is deleted once
-- delivered (a failed one keeps its key and reason for the admins, without recipient or content). Its id is a
-- random negative number, so the other rows' ids (consecutive) show no gap where it was.
ALTER TABLE outbox ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
