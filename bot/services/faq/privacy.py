"""The FAQ's share of /mydata and /forget-me: the questions a member asked and their votes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.model import Member
from bot.store import faq as faq_sql
from bot.store.db import Connection


class FaqPrivacyPart:
    """Exported as stored; erased completely (a question's words may identify the person)."""

    name: str = "faq"
    tables: tuple[str, ...] = ("faq_asks", "faq_votes")

    async def export(self, db: Connection, member: Member) -> Any:
        """The member's FAQ questions and votes, for /mydata."""
        return await faq_sql.member_data(db, member.id)

    async def erase(self, db: Connection, member: Member, now: datetime) -> list[tuple[str, int]]:
        """Erase the member's FAQ questions and votes."""
        await faq_sql.erase_member(db, member.id)
        return []
