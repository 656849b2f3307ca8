"""SQL for the Slack replay guard's signatures (migration 0017): remembered once, forgotten when stale."""

from __future__ import annotations

# Each is a unit of work by itself (run with `store.run_alone`): one round trip in the acknowledgement's path.
# Remember a signature until its expiry (epoch seconds); no row comes back if it is remembered already.
FIRST_USE = "INSERT INTO seen_signatures VALUES (?, ?) ON CONFLICT (signature) DO NOTHING RETURNING signature"
FORGET_EXPIRED = "DELETE FROM seen_signatures WHERE expires_at < ?"
