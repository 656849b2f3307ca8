"""The welcome feature's service: greeting a newcomer, the language choice, the follow-up tips and the
delivery report, each public method one transaction; and the follow-ups' share of /mydata and /forget-me.
The onboarding answers are saved by ProfileService."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from bot.core.model import Actor, Member
from bot.services import roles, welcome
from bot.services.shared import Feature
from bot.store import members as member_sql
from bot.store import privacy as privacy_sql
from bot.store import welcome as sql
from bot.store.db import Connection

log = logging.getLogger(__name__)


class WelcomeService(Feature):
    """The welcome feature: greeting newcomers, their language, follow-up tips."""

    async def greet(self, member: Member, actor: Actor, now: datetime) -> bool:
        """Queue the welcome once (and the roles the platform's language names); bots (always) and guests
        (BOT_WELCOME_SKIP_GUESTS) are skipped. False when nothing was queued."""
        if actor.is_bot or (actor.is_guest and self.settings.welcome_skip_guests):
            log.info("welcome: skipped %s member %s", "bot" if actor.is_bot else "guest", member.id)
            return False
        async with self.store.transaction() as db:
            queued = await welcome.queue_welcome(self, db, member, now)
            if queued:
                await roles.sync(self, db, member.id)
        log.info("welcome: member %s %s", member.id, "welcomed" if queued else "was welcomed before")
        return queued

    async def set_language(self, member_id: int, locale: str, now: datetime) -> None:
        """The language the member chose (their roles follow it)."""
        async with self.store.transaction() as db, roles.kept_in_step(self, db, member_id, now):
            await member_sql.set_locale(db, member_id, locale)

    async def stop_tips(self, member_id: int, now: datetime) -> bool:
        """Stop the follow-up tips; False when they were not running."""
        async with self.store.transaction() as db:
            return await sql.stop(db, member_id, "opted-out", now)

    async def tips_running(self, member_id: int) -> bool:
        """Whether the member still gets follow-up tips."""
        async with self.store.transaction() as db:
            tips = await sql.get(db, member_id)
        return tips is not None and tips.stopped is None and tips.next_step is not None

    async def failures(self) -> list[sql.Failure]:
        """Welcome messages that could not be delivered, with the reason and the fallback's fate."""
        async with self.store.transaction() as db:
            return await sql.failures(db)


class FollowUpPart:
    """The follow-up sequence row: exported, then deleted by /forget-me."""

    name: str = "welcome_followups"
    tables: tuple[str, ...] = ("welcome_followups",)

    async def export(self, db: Connection, member: Member) -> Any:
        """The member's follow-up rows."""
        return await privacy_sql.rows_where(db, "welcome_followups", "member_id", member.id)

    async def outbox_keys(self, db: Connection, member: Member) -> list[str]:
        """The greeting in the introductions channel names the member."""
        return [f"welcome:{member.id}:%"]

    async def erase(self, db: Connection, member: Member, now: datetime) -> list[tuple[str, int]]:
        """Erase the member's follow-ups."""
        await sql.erase(db, member.id)
        return []
