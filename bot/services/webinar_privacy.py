"""The webinars' share of /mydata and /forget-me."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.core.model import Member
from bot.store import webinars as sql


class WebinarPrivacy:
    """RSVPs, reminder choices and drafts are deleted; webinars a member organised stay, unlinked from them."""

    name: str = "webinars"
    tables: tuple[str, ...] = (*sql.MEMBER_TABLES, "webinars")

    async def export(self, db: aiosqlite.Connection, member: Member) -> Any:
        return await sql.member_data(db, member.id)

    async def erase(self, db: aiosqlite.Connection, member: Member, now: datetime) -> list[tuple[str, int]]:
        unlinked = await sql.erase_member(db, member.id)
        return [("webinars.privacy_kept", unlinked)] if unlinked else []
