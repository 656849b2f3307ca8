"""Platform roles (Discord) and user groups (Slack) kept in step with the member's profile (issue 19 #5).

Configured as `DISCORD_ROLES` / `SLACK_USERGROUPS`: keys `lang:<code>` (the language the bot writes to the
member in: their choice, else their platform's), `country:<ISO code>` and `stage:<stage code>` (the profile),
each mapped to a role or user group id. When a save changes the member's wanted set (`kept_in_step` around
it, in the same transaction), a "roles" row is queued in the outbox for their platform: its payload is the
wanted ids and every managed id, so the messenger adds what is missing and takes away the managed ones the
member should no longer have, with the outbox's retries and Retry-After. The row is private (deleted once
delivered; see bot/store/outbox.py), and a newer update replaces one still waiting. /forget-me queues the
removal of every managed role or group (`forget`).
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.core.i18n import SUPPORTED, locale_of
from bot.core.model import Destination, Member, Reply
from bot.store import members as member_sql
from bot.store import profiles as profile_sql
from bot.store import roles as sql
from bot.store.db import Connection

if TYPE_CHECKING:
    from bot.services.shared import Shared
    from bot.settings import Settings

log = logging.getLogger(__name__)
ROLES = "roles"  # the outbox destination kind
KINDS = ("lang", "country", "stage")


def key_problem(key: str) -> str | None:
    """Why `key` (e.g. "country:TD") is not a key of DISCORD_ROLES / SLACK_USERGROUPS, or None if it is."""
    from bot.core.values import places
    from bot.core.values.vocab import VOCABULARIES

    kind, _, value = key.partition(":")
    if kind == "lang" and value in SUPPORTED:
        return None
    if kind == "country" and value in places.iso_countries():
        return None
    if kind == "stage" and value in VOCABULARIES["stage"].codes:
        return None
    if kind not in KINDS:
        return f"{key!r} should start with lang:, country: or stage:"
    known = {"lang": ", ".join(SUPPORTED), "country": "an ISO 3166 code such as TD",
             "stage": ", ".join(VOCABULARIES["stage"].codes)}[kind]
    return f"{key!r}: unknown {kind} (use {known})"


def configured(settings: Settings, platform: str) -> dict[str, str]:
    """Key -> role or user group id for `platform` (empty when not configured)."""
    if platform == "discord":
        return settings.discord_roles
    if platform == "slack":
        return settings.slack_usergroups
    return {}


def member_keys(member: Member, profile: profile_sql.Profile, default_locale: str) -> set[str]:
    """The keys that describe this member now."""
    keys = {f"lang:{locale_of(member, default_locale)}"}
    if profile.country:
        keys.add(f"country:{profile.country}")
    if profile.stage:
        keys.add(f"stage:{profile.stage}")
    return keys


@dataclass(frozen=True)
class Change:
    """What a roles row asks the messenger to do: have `wanted`, not have the rest of `managed`."""

    wanted: frozenset[str]
    managed: frozenset[str]

    def to_reply(self) -> Reply:
        """The change as the text of an outbox entry."""
        return Reply(json.dumps({"wanted": sorted(self.wanted), "managed": sorted(self.managed)}))

    @classmethod
    def from_reply(cls, reply: Reply) -> Change:
        """The change `to_reply` queued."""
        data = json.loads(reply.text)
        return cls(frozenset(map(str, data["wanted"])), frozenset(map(str, data["managed"])))


async def wanted(settings: Settings, db: Connection, member_id: int) -> tuple[Member, Change] | None:
    """The member and the roles they should have; None when their platform has none configured."""
    member = await member_sql.by_id(db, member_id)
    mapping = configured(settings, member.platform) if member else {}
    if member is None or not mapping:
        return None
    keys = member_keys(member, await profile_sql.get(db, member_id), settings.default_locale)
    return member, Change(frozenset(mapping[k] for k in keys if k in mapping), frozenset(mapping.values()))


@asynccontextmanager
async def kept_in_step(services: Shared, db: Connection, member_id: int, now: datetime) -> AsyncIterator[None]:
    """Around a save of the member's language or profile: queue a roles update if their wanted set changed."""
    before = await wanted(services.settings, db, member_id)
    yield
    after = await wanted(services.settings, db, member_id)
    if after is not None and (before is None or before[1] != after[1]):
        await queue(services, db, after[0], after[1])


async def sync(services: Shared, db: Connection, member_id: int) -> None:
    """Queue the member's roles as they should be (e.g. on joining, from the platform's language)."""
    found = await wanted(services.settings, db, member_id)
    if found is not None and found[1].wanted:
        await queue(services, db, *found)


async def forget(services: Shared, db: Connection, member: Member) -> None:
    """For /forget-me: take every managed role or group away from the member."""
    managed = frozenset(configured(services.settings, member.platform).values())
    if managed:
        await queue(services, db, member, Change(frozenset(), managed))


async def queue(services: Shared, db: Connection, member: Member, change: Change) -> None:
    """A private outbox row (deleted once delivered); an update still waiting for this member is replaced."""
    dest = Destination(member.platform, ROLES, member.user_id)
    await sql.drop_waiting(db, dest.platform, ROLES, dest.target)
    key = f"roles:{member.id}:{secrets.token_hex(8)}"
    await services.outbox.enqueue(db, key, dest, change.to_reply(), private=True)
    log.info("roles: update queued for member %s (%d wanted of %d managed)", member.id, len(change.wanted),
             len(change.managed))



async def sync_all(services: Shared) -> int:
    """Queue every known member's roles as they should be (after DISCORD_ROLES / SLACK_USERGROUPS is set up or
    changed on an existing community); returns how many updates were queued."""
    platforms = [p for p in ("discord", "slack") if configured(services.settings, p)]
    if not platforms:
        return 0
    async with services.store.transaction() as db:
        ids = await sql.member_ids(db, platforms)
    queued = 0
    for member_id in ids:
        async with services.store.transaction() as db:
            found = await wanted(services.settings, db, member_id)
            if found is not None:
                await queue(services, db, *found)
                queued += 1
    return queued
