"""Member facts from users.info (locale, timezone, workspace admin), cached with an expiry."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.clock import Clock
from bot.core.model import Actor

log = logging.getLogger(__name__)
PLATFORM = "slack"


def display_name(user: dict[str, Any], fallback: str = "") -> str:
    """The name people see: profile display name, else real name, else handle."""
    profile = user.get("profile") or {}
    for candidate in (profile.get("display_name"), profile.get("real_name"), user.get("real_name"),
                      user.get("name"), fallback):
        if candidate and str(candidate).strip():
            return str(candidate).strip()
    return str(user.get("id") or fallback or "?")


def actor_from_user(user: dict[str, Any], fallback_name: str = "") -> Actor:
    """An Actor from a users.info `user` object."""
    return Actor(
        platform=PLATFORM,
        user_id=str(user["id"]),
        display_name=display_name(user, fallback_name),
        platform_locale=user.get("locale"),
        timezone=user.get("tz"),
        platform_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
        is_bot=bool(user.get("is_bot")) or user.get("id") == "USLACKBOT",
        is_guest=bool(user.get("is_restricted") or user.get("is_ultra_restricted")),
    )


@dataclass
class _Entry:
    actor: Actor
    expires: datetime


class MemberFacts:
    """Looks members up once per `ttl` and remembers what Slack said."""

    def __init__(self, client: AsyncWebClient, clock: Clock, ttl: timedelta) -> None:
        self.client = client
        self.clock = clock
        self.ttl = ttl
        self._cache: dict[str, _Entry] = {}

    async def actor(self, user_id: str, fallback_name: str = "") -> Actor:
        """The member's facts; if Slack cannot say, an Actor with just the id and name (not cached)."""
        now = self.clock.now()
        entry = self._cache.get(user_id)
        if entry is not None and entry.expires > now:
            return entry.actor
        try:
            response = await self.client.users_info(user=user_id, include_locale=True)
        except SlackApiError as exc:
            data = exc.response.data
            log.warning("users.info failed: %s",
                        data.get("error") if isinstance(data, dict) else exc.response.status_code)
            return Actor(PLATFORM, user_id, fallback_name or user_id)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("users.info unreachable: %s", exc)
            return Actor(PLATFORM, user_id, fallback_name or user_id)
        actor = actor_from_user(response["user"], fallback_name)
        self._cache[user_id] = _Entry(actor, now + self.ttl)
        return actor

    def forget(self, user_id: str) -> None:
        """Drop what is cached about `user_id`."""
        self._cache.pop(user_id, None)
