"""The outbox's Discord messenger: DMs, channel posts and group DMs over the REST API.

It makes one attempt per message and reports the outcome to the outbox, which owns retries: a 429
becomes DeliveryError(retry_after=...), a 5xx or a network error a temporary failure, and a member
whose DMs are closed (error 50007) a permanent failure with code "dm_closed". (discord.py's own HTTP
client would sleep and retry inside the call, hiding 429s and 5xx from the outbox.)

Requests are paced by one token bucket (Discord's global limit is per bot). Each message carries a
`nonce` derived from its outbox key with `enforce_nonce: true`: Discord then returns the message it
already created for that nonce (within a few minutes) instead of creating a second one, so resending
a message a crash left in doubt is harmless. A post that asks for a thread (Reply.thread) gets one opened on
its first message; if that fails, the outbox retries the whole send: the nonce returns the same message, and a
thread already open counts as done.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from typing import Any

import aiohttp
import discord
from discord.http import handle_message_parameters

from bot.core.model import Destination, Reply
from bot.core.text import without_roles
from bot.platforms.discord import events, roles
from bot.platforms.discord.render import NO_MENTIONS, PLATFORM, Outgoing, to_messages
from bot.services.outbox import DeliveryError
from bot.services.outbox.pacing import Pacer
from bot.services.privacy.posts import EDIT, split_target
from bot.services.roles import ROLES
from bot.services.webinars.events import KIND as SCHEDULED_EVENT

log = logging.getLogger(__name__)
CANNOT_DM = 50007
NONCE_LENGTH = 25  # Discord accepts a nonce of at most 25 characters
THREAD_NAME = 100  # characters, Discord's limit for a thread's name
THREAD_ARCHIVE_MINUTES = 10080  # a week without a message before Discord hides the thread
THREAD_EXISTS = 160004  # "A thread has already been created for this message"


def nonce_for(key: str, part: int) -> str:
    """A stable nonce for part `part` of the outbox message `key`."""
    return hashlib.sha256(f"{key}#{part}".encode()).hexdigest()[:NONCE_LENGTH]


class DiscordMessenger:
    """Delivers outbox messages to Discord."""

    platform = PLATFORM

    def __init__(self, token: str, api_base: str, channels: dict[str, str], *, rate: float = 0.0,
                 burst: int = 1) -> None:
        self.token = token
        self.pacer = Pacer(rate, burst)
        self.api_base = api_base.rstrip("/")
        self.channels = channels
        self.dm_channels: dict[str, str] = {}
        self.group_done: set[tuple[str, str]] = set()  # (message, user) already sent within a group
        self.session: aiohttp.ClientSession | None = None
        self.guild_id: str | None = None  # the server webinars are mirrored on (the door sets it)

    async def start(self) -> None:
        """Open the HTTP session, authenticated as the bot."""
        self.session = aiohttp.ClientSession(headers={"Authorization": f"Bot {self.token}",
                                                      "User-Agent": "community-bot (openIMIS, 0.1)"})

    async def close(self) -> None:
        """Close the HTTP session."""
        if self.session is not None:
            await self.session.close()
            self.session = None

    async def send(self, dest: Destination, reply: Reply, key: str) -> str | None:
        """Send one outbox message (nonces derived from `key`); returns the id of the (first) Discord message."""
        if dest.kind == "dm":
            return await self.send_dm(dest.target, replace(reply, text=without_roles(reply.text)), key)
        if dest.kind == "channel":
            channel_id = self.channel_id(dest.target)
            first = await self.post(channel_id, reply, key)
            if reply.thread and first is not None:
                await self.open_thread(channel_id, first, reply.thread)
            return first
        if dest.kind == "group":
            return await self.send_group(dest, replace(reply, text=without_roles(reply.text)), key)
        if dest.kind == EDIT:
            return await self.edit(dest.target, reply)
        if dest.kind == SCHEDULED_EVENT:
            return await events.sync(self, reply)
        if dest.kind == ROLES:
            return await roles.sync(self, dest.target, reply)
        raise DeliveryError(f"unknown destination kind {dest.kind!r}", permanent=True)

    async def edit(self, target: str, reply: Reply) -> str:
        """Edit a post the bot sent ("<channel>|<message id>"), e.g. to take a forgotten member's name out.
        Of a post that was split, the first message is edited (the name is there; buttons stay on the last)."""
        channel, message_id = split_target(target)
        parts = to_messages(Reply(reply.text, reply.buttons))
        first = parts[0]
        view = first.view if len(parts) == 1 and first.view is not None else discord.utils.MISSING
        params = handle_message_parameters(content=first.content, view=view, allowed_mentions=NO_MENTIONS)
        with params:
            await self.request("PATCH", f"/channels/{self.channel_id(channel)}/messages/{message_id}",
                               json=params.payload)
        return message_id

    def channel_id(self, target: str) -> str:
        """A logical channel name ("announcements") or a channel id -> the channel id."""
        name = target.lstrip("#")
        if name in self.channels:
            return self.channels[name]
        if name.isdigit():
            return name
        raise DeliveryError(f"no Discord channel configured for {name!r} (DISCORD_CHANNELS)", permanent=True,
                            code="no_channel")

    def forget(self, user_id: str) -> None:
        """After /forget-me: the member's DM channel id is no longer remembered."""
        self.dm_channels.pop(user_id, None)

    async def send_dm(self, user_id: str, reply: Reply, key: str = "") -> str | None:
        """DM `user_id` (its DM channel opened once); the message id."""
        channel = self.dm_channels.get(user_id)
        if channel is None:
            data = await self.request("POST", "/users/@me/channels", json={"recipient_id": user_id})
            channel = self.dm_channels[user_id] = str(data["id"])
        return await self.post(channel, reply, key)

    async def send_group(self, dest: Destination, reply: Reply, key: str) -> str | None:
        """One DM each; members already reached are not written to again when the outbox retries."""
        message = hashlib.sha256((dest.key() + reply.text).encode()).hexdigest()
        last: str | None = None
        for user_id in (u.strip() for u in dest.target.split(",") if u.strip()):
            if (message, user_id) in self.group_done:
                continue
            try:
                last = await self.send_dm(user_id, reply, key)
            except DeliveryError as exc:
                if not exc.permanent:
                    raise
                log.warning("discord: group message not delivered to %s: %s", user_id, exc.reason)
            self.group_done.add((message, user_id))
        return last

    async def post(self, channel_id: str, reply: Reply, key: str = "") -> str | None:
        """Post a reply (split if long), with nonces derived from the outbox `key` when there is one; returns
        the first message's id (where a post names its people)."""
        first: str | None = None
        for part, outgoing in enumerate(to_messages(reply)):
            data = await self.request_message(channel_id, outgoing, nonce_for(key, part) if key else None)
            first = first or (str(data.get("id")) if isinstance(data, dict) else None)
        return first

    async def open_thread(self, channel_id: str, message_id: str, name: str) -> None:
        """Open a public thread on a post. A retry finds it already open: done. A refusal (no permission to
        create threads) is logged: the post is there, and people can still answer in the channel."""
        name = " ".join(name.split())
        name = name if len(name) <= THREAD_NAME else name[:THREAD_NAME - 1] + "…"
        try:
            await self.request("POST", f"/channels/{channel_id}/messages/{message_id}/threads",
                               json={"name": name or "?", "auto_archive_duration": THREAD_ARCHIVE_MINUTES})
        except DeliveryError as exc:
            if not exc.permanent:
                raise
            if exc.code != str(THREAD_EXISTS):
                log.warning("discord: no thread opened on message %s in channel %s (%s); the bot needs the "
                            "Create Public Threads permission there", message_id, channel_id, exc.reason)

    async def request_message(self, channel_id: str, outgoing: Outgoing, nonce: str | None = None) -> Any:
        """Post one message (JSON or multipart with a file), with a nonce when given."""
        params = handle_message_parameters(content=outgoing.content, view=outgoing.view or discord.utils.MISSING,
                                           file=outgoing.file or discord.utils.MISSING,
                                           allowed_mentions=outgoing.mentions, nonce=nonce)
        with params:  # with a nonce, discord.py also sets enforce_nonce: true
            path = f"/channels/{channel_id}/messages"
            if not params.multipart:
                return await self.request("POST", path, json=params.payload)
            form = aiohttp.FormData(quote_fields=False)
            for field in params.multipart:
                form.add_field(**field)
            return await self.request("POST", path, data=form)

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """One REST call; failures become DeliveryError as the outbox expects."""
        if self.session is None:
            raise DeliveryError("the Discord messenger is not started")
        await self.pacer.take()
        try:
            async with self.session.request(method, self.api_base + path, **kwargs) as response:
                data = await response.json(content_type=None) if response.content_length != 0 else {}
                status = response.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise DeliveryError(f"network error: {type(exc).__name__}: {exc}") from exc
        if 200 <= status < 300:
            return data
        error = failure(status, data if isinstance(data, dict) else {})
        if error.retry_after is not None:
            self.pacer.hold(error.retry_after)
        raise error

    async def already_sent(self, dest: Destination, key: str) -> str | None:
        """Nothing to look up: the resend carries the same nonce and Discord returns the existing message."""
        return None


def failure(status: int, data: dict[str, Any]) -> DeliveryError:
    """A Discord error response as a DeliveryError."""
    code = data.get("code")
    detail = f"discord {status}" + (f" code {code}: {data.get('message', '')}" if code else "")
    if status == 429:
        return DeliveryError(detail, retry_after=float(data.get("retry_after", 1.0)))
    if status >= 500:
        return DeliveryError(detail)
    if code == CANNOT_DM:
        return DeliveryError("cannot send messages to this member (DMs closed)", permanent=True, code="dm_closed")
    return DeliveryError(detail, permanent=True, code=str(code or status))
