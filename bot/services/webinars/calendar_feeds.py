"""Subscribable webinar calendars: the community's feed of upcoming webinars, one webinar's file, and a
member's own feed (only what they said Going or Maybe to) behind an unguessable link.

A feed's content depends only on the database (its DTSTAMP is the last change, not the request time), so
its ETag stays the same until a webinar changes and calendar apps polling it get 304 Not Modified.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.core.model import Member
from bot.services.webinars import Webinar, next_start
from bot.services.webinars import ics as webinar_ics
from bot.store import calendar as sql
from bot.store import webinars as webinar_sql

if TYPE_CHECKING:
    from bot.services.shared import Shared

TOKEN_BYTES = 24  # 192 random bits, URL-safe: a link nobody can guess or enumerate


@dataclass(frozen=True)
class Feed:
    """A calendar feed's content and when it last changed."""

    body: bytes
    last_modified: datetime

    @property
    def etag(self) -> str:
        """The feed's ETag, from a hash of its body."""
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'


def public_url(services: Shared, path: str) -> str | None:
    """The address members use for `path`, when the bot's HTTP server is published (BOT_PUBLIC_URL)."""
    base = services.settings.public_url
    return base.rstrip("/") + path if base else None


async def _feed(services: Shared, keep: set[int] | None, now: datetime, name: str) -> Feed:
    async with services.store.transaction() as db:
        webinars = [w for w in await webinar_sql.scheduled(db) if next_start(w.spec, now) is not None]
        changed = await sql.last_change(db) or now
    chosen = [w for w in webinars if keep is None or w.id in keep]
    return _render(services, chosen, changed, name)


def _render(services: Shared, webinars: list[Webinar], changed: datetime, name: str) -> Feed:
    changed = changed.replace(microsecond=0)
    body = webinar_ics.calendar(webinars, services.settings.webinar_uid_domain, changed, name)
    return Feed(body, changed)


async def community_feed(services: Shared, now: datetime) -> Feed:
    """Every webinar with a session still to come."""
    return await _feed(services, None, now, services.settings.community_name)


async def webinar_feed(services: Shared, webinar_id: int) -> Feed | None:
    """One webinar (cancelled ones too, marked so, so a subscribed calendar drops it)."""
    async with services.store.transaction() as db:
        webinar = await webinar_sql.get(db, webinar_id)
        changed = await sql.last_change(db)
    if webinar is None or changed is None:
        return None
    return _render(services, [webinar], changed, webinar.spec.title)


async def member_feed(services: Shared, token: str, now: datetime) -> Feed | None:
    """The webinars the token's member said Going or Maybe to; None for an unknown token."""
    async with services.store.transaction() as db:
        member_id = await sql.member_of(db, token)
        keep = await sql.answered(db, member_id) if member_id is not None else set()
    if member_id is None:
        return None
    return await _feed(services, keep, now, services.settings.community_name)


async def member_link(services: Shared, member: Member) -> str | None:
    """The member's personal feed address (the token is made once); None when no public URL is set."""
    if not services.settings.public_url:
        return None
    async with services.store.transaction() as db:
        token = await sql.token_of(db, member.id)
        if token is None:
            token = secrets.token_urlsafe(TOKEN_BYTES)
            await sql.add_token(db, member.id, token, services.clock.now())
    return public_url(services, f"/calendar/{token}.ics")
