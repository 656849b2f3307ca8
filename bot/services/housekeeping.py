"""Housekeeping the heartbeat runs once a day: forget old incoming event ids."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.core.clock import from_iso, to_iso
from bot.store import members as member_sql

if TYPE_CHECKING:
    from bot.services.shared import Shared

log = logging.getLogger(__name__)
LAST_RUN_KEY = "housekeeping.last_run"
EVERY = timedelta(days=1)
KEEP_EVENT_IDS = timedelta(days=7)  # far beyond Slack's retries and Discord's nonce window


class Housekeeping:
    """Due job pruning old processed event ids."""

    name = "housekeeping"

    async def run(self, services: Shared, now: datetime) -> None:
        """Prune processed event ids older than KEEP_EVENT_IDS, once per EVERY."""
        due = await self.next_due(services, now)
        if due is None or due > now:
            return
        async with services.store.transaction() as db:
            pruned = await member_sql.prune_processed_events(db, now - KEEP_EVENT_IDS)
            await member_sql.kv_set(db, LAST_RUN_KEY, to_iso(now))
        if pruned:
            log.info("housekeeping: forgot %d processed event id(s) older than %s", pruned, KEEP_EVENT_IDS)

    async def next_due(self, services: Shared, now: datetime) -> datetime | None:
        """EVERY after the last run (now when it never ran)."""
        async with services.store.transaction() as db:
            last = await member_sql.kv_get(db, LAST_RUN_KEY)
        return from_iso(last) + EVERY if last else now
