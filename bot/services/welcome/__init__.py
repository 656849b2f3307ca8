"""Welcome messages from the editable templates in content/welcome/, and the follow-up sequence.

Everything a newcomer receives is queued through the outbox in the transaction that records the join,
under keys derived from the member id (`welcome:<id>:dm`, `welcome:<id>:greeting`,
`welcome:<id>:followup:<step>`), so a replayed join or a restart queues nothing new.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.core.i18n import locale_of
from bot.core.model import Button, Destination, Member, Reply
from bot.core.text import Safe, inert, mention
from bot.services.channel_posts import channel_locales, channel_text
from bot.services.shared import Shared
from bot.store import members as member_sql
from bot.store import profiles as profile_sql
from bot.store import welcome as sql
from bot.store.db import Connection

log = logging.getLogger(__name__)
CONTENT_DIR = Path(__file__).resolve().parents[3] / "content" / "welcome"
PLACEHOLDER = re.compile(r"\{(name|community|links|help_channel)\}")
INTRODUCTIONS = "introductions"
LANGUAGE_BUTTONS = (("English", "en"), ("Français", "fr"))


@dataclass(frozen=True)
class FollowUpOptions:
    """How a follow-up step behaves."""

    skip_if_peer_consent: bool = False
    offer_peer_consent: bool = False


class WelcomeContent:
    """The templates community managers edit; read at each use, so edits apply without a restart."""

    def __init__(self, directory: Path = CONTENT_DIR) -> None:
        self.directory = directory

    def config(self) -> dict[str, Any]:
        """welcome.toml, read afresh (it may be edited while the bot runs)."""
        with (self.directory / "welcome.toml").open("rb") as handle:
            return tomllib.load(handle)

    def template(self, name: str, locale: str) -> str:
        """Template `name` in `locale`, else in English."""
        for candidate in (f"{name}.{locale}.md", f"{name}.en.md"):
            path = self.directory / candidate
            if path.is_file():
                return path.read_text(encoding="utf-8").strip()
        raise FileNotFoundError(f"no welcome template {name}.en.md in {self.directory}")

    def links(self, locale: str) -> str:
        """The welcome links as bullets in `locale`."""
        entries = self.config().get("links", [])
        colon = " :" if locale == "fr" else ":"  # French typography: a space before the colon
        return "\n".join(f"• {link.get(locale) or link.get('en', '')}{colon} {link['url']}" for link in entries)

    def followup(self, step: str) -> FollowUpOptions:
        """How follow-up `step` behaves (skipped with peer consent, offers consent)."""
        raw = self.config().get("followups", {}).get(step, {})
        return FollowUpOptions(bool(raw.get("skip_if_peer_consent", False)),
                               bool(raw.get("offer_peer_consent", False)))

    def render(self, name: str, locale: str, values: dict[str, str]) -> str:
        """Fill the known placeholders; other braces stay as typed (a typo never breaks a welcome)."""
        return PLACEHOLDER.sub(lambda m: values[m.group(1)], self.template(name, locale))


def _values(services: Shared, content: WelcomeContent, locale: str, name: str) -> dict[str, str]:
    settings = services.settings
    return {"name": name, "community": settings.community(locale), "links": content.links(locale),
            "help_channel": settings.help_channel}


def dm_reply(services: Shared, member: Member, locale: str, content: WelcomeContent | None = None) -> Reply:
    """The welcome DM with its English / Français buttons."""
    content = content or WelcomeContent()
    text = content.render("dm", locale, _values(services, content, locale, inert(member.display_name)))
    return Reply(text, buttons=tuple(Button(label, "welcome.lang", code) for label, code in LANGUAGE_BUTTONS))


def public_reply(services: Shared, member: Member, locale: str, template: str,
                 content: WelcomeContent | None = None) -> Reply:
    """A post in the introductions channel that mentions the member, in the channel's languages: the greeting
    is for everyone there; the fallback (their DM failed) speaks to them first, in their language."""
    content = content or WelcomeContent()
    who = mention(member.user_id, member.display_name)
    locales = channel_locales(services.settings, first=locale if template == "fallback" else None)
    return Reply(Safe(channel_text(locales, lambda lc: content.render(template, lc, _values(services, content, lc,
                                                                                            who)))))


def followup_reply(services: Shared, member: Member, locale: str, step: str,
                   content: WelcomeContent | None = None) -> Reply:
    """A follow-up DM, with "Yes, introduce me to a peer" where its options say so, and "Stop these tips"."""
    content = content or WelcomeContent()
    values = _values(services, content, locale, inert(member.display_name))
    text = content.render(f"followup-{step}", locale, values)
    buttons: list[Button] = []
    if content.followup(step).offer_peer_consent:
        buttons.append(Button(services.catalogs.t(locale, "welcome.button.meet_peer"), "onb.set", "consent:yes",
                              style="primary"))
    buttons.append(Button(services.catalogs.t(locale, "welcome.button.stop_tips"), "welcome.stop", "tips"))
    return Reply(text, buttons=tuple(buttons))


def first_followup(services: Shared, joined: datetime) -> tuple[str | None, datetime | None]:
    """The first follow-up's name and due time (None, None when BOT_WELCOME_FOLLOWUPS is empty)."""
    steps = services.settings.welcome_followups
    return (steps[0][0], joined + timedelta(days=steps[0][1])) if steps else (None, None)


def followup_after(services: Shared, step: str, joined: datetime) -> tuple[str | None, datetime | None]:
    """The follow-up after `step`, due relative to the join date (None, None after the last one)."""
    steps = list(services.settings.welcome_followups)
    names = [name for name, _ in steps]
    if step not in names or names.index(step) + 1 >= len(steps):
        return None, None
    name, day = steps[names.index(step) + 1]
    return name, joined + timedelta(days=day)


async def queue_welcome(services: Shared, db: Connection, member: Member, now: datetime) -> bool:
    """Record the join once and queue everything a newcomer receives; False if they were welcomed before."""
    if not await member_sql.mark_joined(db, member.id, now):
        return False
    locale = locale_of(member, services.settings.default_locale)
    outbox = services.outbox
    fallback = (Destination.channel(member.platform, INTRODUCTIONS),
                public_reply(services, member, locale, "fallback"))
    await outbox.enqueue(db, f"welcome:{member.id}:dm", Destination.dm(member),
                         dm_reply(services, member, locale), fallback=fallback)
    if services.settings.welcome_public_greeting:
        await outbox.enqueue(db, f"welcome:{member.id}:greeting", Destination.channel(member.platform, INTRODUCTIONS),
                             public_reply(services, member, locale, "greeting"))
    step, due = first_followup(services, now)
    await sql.start(db, member.id, step, due, now)
    return True


class FollowUpJob:
    """Sends each due follow-up once through the outbox and plans the next one (DueJob)."""

    name: str = "welcome.followups"

    async def run(self, services: Shared, now: datetime) -> None:
        """Send each due follow-up, one transaction each."""
        async with services.store.transaction() as db:
            due = await sql.due(db, now)
        for row in due:
            try:
                async with services.store.transaction() as db:
                    await self._send(services, db, row, now)
            except Exception:  # e.g. a template being edited: skip this step rather than block the sequence
                log.exception("welcome follow-up %s for member %s failed; skipped", row.next_step, row.member_id)
                await self._skip(services, row, now)

    async def next_due(self, services: Shared, now: datetime) -> datetime | None:
        """When the next follow-up is due."""
        async with services.store.transaction() as db:
            return await sql.next_due(db)

    async def _skip(self, services: Shared, row: sql.FollowUp, now: datetime) -> None:
        async with services.store.transaction() as db:
            member = await member_sql.by_id(db, row.member_id)
            joined = member.joined_at if member and member.joined_at else now
            following, due = followup_after(services, row.next_step or "", joined)
            await sql.advance(db, row.member_id, following, due, now)

    async def _send(self, services: Shared, db: Connection, row: sql.FollowUp, now: datetime) -> None:
        member = await member_sql.by_id(db, row.member_id)
        if member is None or member.joined_at is None or row.next_step is None:
            await sql.advance(db, row.member_id, None, None, now)
            return
        step = row.next_step
        profile = await profile_sql.get(db, member.id)
        content = WelcomeContent()
        if not (content.followup(step).skip_if_peer_consent and profile.peer_consent):
            locale = locale_of(member, services.settings.default_locale)
            await services.outbox.enqueue(db, f"welcome:{member.id}:followup:{step}", Destination.dm(member),
                                          followup_reply(services, member, locale, step, content))
        following, due = followup_after(services, step, member.joined_at)
        await sql.advance(db, member.id, following, due, now)
