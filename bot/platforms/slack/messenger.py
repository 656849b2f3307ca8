"""The outbox Messenger for Slack: DMs, group DMs and channel posts, with Slack errors mapped for retries."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Mapping
from dataclasses import replace

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.core.model import Destination, Reply
from bot.core.text import without_roles
from bot.platforms.slack import roles
from bot.platforms.slack.render import render_reply
from bot.platforms.slack.send import Sender
from bot.services.outbox import DeliveryError
from bot.services.outbox.pacing import Pacer
from bot.services.privacy.posts import EDIT, split_target
from bot.services.roles import ROLES

PLATFORM = "slack"
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
METADATA_TYPE = "community_bot_outbox"
HISTORY_LOOKBACK = 50
GROUP_DM_LIMIT = 8
RETRY_AFTER_STEP = 1.0  # Slack's Retry-After is whole seconds
TEMPORARY_ERRORS = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable",
                              "request_timeout", "team_added_to_org"})


def delivery_error(exc: SlackApiError) -> DeliveryError:
    """429 and 5xx (and Slack's transient error codes) are retried; any other error is permanent."""
    response = exc.response
    status = int(getattr(response, "status_code", 0) or 0)
    code = str(response.get("error") or "") if isinstance(response.data, dict) else ""
    if status == 429:
        retry_after = _retry_after(response.headers)
        return DeliveryError(f"rate limited (retry after {retry_after}s)", retry_after=retry_after,
                             code=code or "ratelimited", retry_after_step=RETRY_AFTER_STEP)
    if status >= 500 or code in TEMPORARY_ERRORS:  # Slack may have posted it before failing: check first
        return DeliveryError(f"slack {status} {code}".strip(), code=code or f"http_{status}", maybe_sent=True)
    return DeliveryError(f"slack error {code or status}", permanent=True, code=code or f"http_{status}")


def _retry_after(headers: Mapping[str, object]) -> float:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) and value else value
            try:
                return max(float(str(raw)), 0.0)
            except ValueError:
                break
    return 30.0


class SlackMessenger:
    """Delivers outbox rows; logical channel names map to ids through settings.slack_channels.

    Requests are paced per Web API method (Slack rates each method separately: `rate` per second, `burst`
    at once), and DM channel ids are remembered, so a fan-out costs one conversations.open per member.
    """

    platform = PLATFORM

    def __init__(self, sender: Sender, channels: Mapping[str, str], *, rate: float = 0.0, burst: int = 1) -> None:
        self.sender = sender
        self.channels = dict(channels)
        self.pacer = Pacer(rate, burst)
        self.dm_channels: dict[str, str] = {}
        self.also_forget: list[Callable[[str], None]] = []  # the door's other per-member caches
        self.delivered_to: list[Callable[[str], None]] = []  # told of each member a DM reached
        self.groups_lock = asyncio.Lock()  # user groups are rewritten whole: one member's update at a time

    def forget(self, user_id: str) -> None:
        """Drop every remembered DM channel that includes the member, and the door's facts about them."""
        for users in [u for u in self.dm_channels if user_id in u.split(",")]:
            del self.dm_channels[users]
        for forget in self.also_forget:
            forget(user_id)

    def channel_id(self, target: str) -> str:
        """The Slack channel id of `target` (a configured name or an id); DeliveryError otherwise."""
        name = target.lstrip("#")
        if name in self.channels:
            return self.channels[name]
        if CHANNEL_ID.match(name):
            return name
        raise DeliveryError(f"no Slack channel configured for {name!r} (SLACK_CHANNELS)", permanent=True,
                            code="channel_not_configured")

    async def send(self, dest: Destination, reply: Reply, key: str) -> str | None:
        """Send one outbox message, its key in the message's metadata; raise DeliveryError saying whether to
        retry."""
        metadata: dict[str, object] | None = (
            {"event_type": METADATA_TYPE, "event_payload": {"key": key}} if key else None)
        try:
            if dest.kind == "channel":
                return await self._post(self.channel_id(dest.target), reply, metadata)
            if dest.kind in ("dm", "group"):  # a user group is only ever mentioned in a channel post
                return await self._to_people(dest.target, replace(reply, text=without_roles(reply.text)), metadata)
            if dest.kind == EDIT:
                return await self._update(dest.target, reply)
            if dest.kind == ROLES:
                await roles.sync(self, self.groups_lock, dest.target, reply)
                return None
        except SlackApiError as exc:
            raise self._held(delivery_error(exc)) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryError(f"connection to Slack failed: {type(exc).__name__}", code="connection",
                                maybe_sent=True) from exc
        raise DeliveryError(f"unknown destination kind {dest.kind!r}", permanent=True, code="bad_destination")

    async def _to_people(self, target: str, reply: Reply, metadata: dict[str, object] | None) -> str | None:
        """One DM, a group DM (up to 8 people, Slack's limit), or one DM each for a larger group."""
        users = [u.strip() for u in target.split(",") if u.strip()]
        if len(users) <= GROUP_DM_LIMIT:
            ref = await self._post(await self.dm_channel(",".join(users)), reply, metadata)
        else:
            ref = [await self._post(await self.dm_channel(user), reply, metadata) for user in users][0]
        for user in users:
            for notify in self.delivered_to:
                notify(user)
        return ref

    async def dm_channel(self, users: str) -> str:
        """The DM (or group DM) channel id: opened once, then remembered."""
        if users not in self.dm_channels:
            await self.pacer.take("conversations.open")
            try:
                self.dm_channels[users] = await self.sender.open_dm(users)
            except SlackApiError as exc:  # nothing was posted yet: a plain retry, no check needed
                error = self._held(delivery_error(exc))
                error.maybe_sent = False
                raise error from exc
            except (aiohttp.ClientError, TimeoutError) as exc:
                raise DeliveryError(f"connection to Slack failed: {type(exc).__name__}", code="connection") from exc
        return self.dm_channels[users]

    async def _update(self, target: str, reply: Reply) -> str:
        """chat.update of a post the bot sent ("<channel>|<ts>"), e.g. to take a forgotten member's name out.
        Only the first message of a post that was split is updated: that is where the name is."""
        channel, ts = split_target(target)
        await self.pacer.take("chat.update")
        payload = render_reply(Reply(reply.text, reply.buttons))[0]
        await self.sender.client.chat_update(channel=self.channel_id(channel), ts=ts, **payload)
        return ts

    async def _post(self, channel: str, reply: Reply, metadata: dict[str, object] | None) -> str | None:
        parts = len(render_reply(reply)) if reply.text.strip() or not reply.file else 0
        await self.pacer.take("chat.postMessage", max(parts, 1))
        return await self.sender.post(channel, reply, metadata=metadata)

    def held(self, exc: SlackApiError) -> DeliveryError:
        """A Slack error as the outbox's DeliveryError, pausing every method after a 429."""
        return self._held(delivery_error(exc))

    def _held(self, error: DeliveryError) -> DeliveryError:
        """After a 429, no request of any method before Retry-After."""
        if error.retry_after is not None:
            self.pacer.hold(error.retry_after, step=error.retry_after_step)
        return error

    async def already_sent(self, dest: Destination, key: str) -> str | None:
        """After a crash mid-send: the ts of a DM carrying this outbox key in its metadata, if Slack has it.

        Only DMs are checked (reading them needs im:history, which the app has for message.im); channel
        posts and group DMs would need channels/groups/mpim:history, so they may be sent twice after a crash.
        """
        if dest.kind != "dm":
            return None
        try:
            channel = await self.dm_channel(dest.target)
            await self.pacer.take("conversations.history")
            history = await self.sender.client.conversations_history(channel=channel, limit=HISTORY_LOOKBACK,
                                                                     include_all_metadata=True)
        except SlackApiError as exc:
            error = self._held(delivery_error(exc))
            if error.permanent:
                return None  # cannot look (e.g. a missing scope): send it
            raise error from exc  # could not look now: ask again later rather than risk a second copy
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryError(f"connection to Slack failed: {type(exc).__name__}", code="connection",
                                maybe_sent=True) from exc
        for message in history.get("messages") or []:
            meta = message.get("metadata") or {}
            if meta.get("event_type") == METADATA_TYPE and (meta.get("event_payload") or {}).get("key") == key:
                return str(message.get("ts") or "") or None
        return None
