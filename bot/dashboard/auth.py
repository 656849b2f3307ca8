"""Dashboard sign-in: one-time links (10 minutes), signed session cookies, CSRF tokens.

A link carries a random token; the database keeps only its SHA-256 hash and deletes it when used. Signing in
creates a session: a random id whose hash is stored with its expiry, sent as a cookie `<id>.<HMAC-SHA256 of the
id under BOT_DASHBOARD_SECRET>` (HttpOnly, SameSite=Strict, Path=/dashboard). A form's CSRF token is the HMAC
of "csrf:<session id>", so it is bound to the session and never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.core.model import Actor, Destination, Member, Reply
from bot.store import dashboard as sql
from bot.store import members as member_sql

if TYPE_CHECKING:
    from bot.services.container import Services

log = logging.getLogger(__name__)
LINK_TTL = timedelta(minutes=10)
SESSION_TTL = timedelta(hours=8)
COOKIE = "desk_session"
OPERATOR = Actor("console", "dashboard-operator", "operator")  # who `dashboard --login-link` signs in as


def hashed(token: str) -> str:
    """The SHA-256 of a token (only that is stored)."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    """A signed-in dashboard session."""

    id: str
    member: Member


class Auth:
    """Dashboard sign-in: one-time links, sessions and form tokens."""

    def __init__(self, services: Services) -> None:
        if not services.settings.dashboard_secret:
            raise ValueError("BOT_DASHBOARD_SECRET is empty")
        self.services = services
        self.secret = services.settings.dashboard_secret.encode()

    def _mac(self, text: str) -> str:
        return hmac.new(self.secret, text.encode(), hashlib.sha256).hexdigest()

    async def new_link(self, member_id: int) -> str:
        """A one-time token for `member_id` (an admin), valid LINK_TTL."""
        token = secrets.token_urlsafe(32)
        async with self.services.store.transaction() as db:
            await sql.add_link(db, hashed(token), member_id, self.services.clock.now() + LINK_TTL)
        log.info("dashboard: sign-in link issued for member %s", member_id)
        return token

    async def send_link(self, member: Member, message: Callable[[str], str]) -> None:
        """A one-time token for `member` (an admin) by DM, in one transaction: `message` writes the DM from the
        token; the outbox row is private (deleted once delivered)."""
        token = secrets.token_urlsafe(32)
        async with self.services.store.transaction() as db:
            await sql.add_link(db, hashed(token), member.id, self.services.clock.now() + LINK_TTL)
            await self.services.outbox.enqueue(db, f"dashboard:link:{hashed(token)[:16]}", Destination.dm(member),
                                               Reply(message(token)), private=True)
        log.info("dashboard: sign-in link sent to member %s", member.id)

    async def operator_link(self) -> str:
        """A link for the operator at the command line: a console member marked admin."""
        now = self.services.clock.now()
        async with self.services.store.transaction() as db:
            member = await member_sql.upsert(db, OPERATOR, now)
            await member_sql.set_admin(db, member.id, True)
        return await self.new_link(member.id)

    async def sign_in(self, token: str) -> str | None:
        """Use a link's token; the cookie value of a new session, or None (unknown, used or expired)."""
        now = self.services.clock.now()
        session_id = secrets.token_urlsafe(32)
        async with self.services.store.transaction() as db:
            member_id = await sql.use_link(db, hashed(token), now)
            if member_id is None:
                return None
            await sql.add_session(db, hashed(session_id), member_id, now + SESSION_TTL)
        log.info("dashboard: member %s signed in", member_id)
        return f"{session_id}.{self._mac(session_id)}"

    async def session(self, cookie: str | None) -> Session | None:
        """The signed-in admin behind a cookie, or None (missing, forged, expired or signed out)."""
        session_id, _, mac = (cookie or "").partition(".")
        if not session_id or not hmac.compare_digest(mac, self._mac(session_id)):
            return None
        async with self.services.store.transaction() as db:
            member_id = await sql.session_member(db, hashed(session_id), self.services.clock.now())
            member = await member_sql.by_id(db, member_id) if member_id is not None else None
        return Session(session_id, member) if member is not None else None

    async def sign_out(self, session: Session) -> None:
        """End the session."""
        async with self.services.store.transaction() as db:
            await sql.end_session(db, hashed(session.id), self.services.clock.now())
        log.info("dashboard: member %s signed out", session.member.id)

    def csrf(self, session: Session) -> str:
        """The form token of `session`."""
        return self._mac(f"csrf:{session.id}")

    def csrf_ok(self, session: Session, token: str) -> bool:
        """Whether `token` is the form token of `session`."""
        return hmac.compare_digest(token, self.csrf(session))
