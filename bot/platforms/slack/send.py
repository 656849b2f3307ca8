"""Sending replies to Slack: messages (split and with buttons), ephemeral messages, DMs and files."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.core.model import Reply
from bot.platforms.slack.render import render_reply

log = logging.getLogger(__name__)
Respond = Callable[..., Awaitable[Any]]


class Sender:
    """Everything the door and the outbox messenger send goes through here."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self.session: aiohttp.ClientSession | None = None  # the door's, while it runs: connections reused

    async def open_dm(self, users: str) -> str:
        """The id of the DM (one user) or group DM (comma-separated users) with the bot."""
        response = await self.client.conversations_open(users=users)
        return str(response["channel"]["id"])

    async def post(self, channel: str, reply: Reply, thread_ts: str | None = None,
                   metadata: Mapping[str, Any] | None = None) -> str | None:
        """Post a reply (split if long) and its file; returns the first message's ts.

        `metadata` (Slack message metadata) goes on the last part, so finding it means all parts were sent.
        """
        first: str | None = None
        payloads = render_reply(reply) if reply.text.strip() or not reply.file else []
        for index, payload in enumerate(payloads):
            tag = dict(metadata) if metadata and index == len(payloads) - 1 else None
            response = await self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, unfurl_links=False,
                                                          unfurl_media=False, metadata=tag, **payload)
            first = first or str(response.get("ts") or "") or None
        if reply.file is not None:
            await self.upload(channel, reply, thread_ts)
        return first

    async def upload(self, channel: str, reply: Reply, thread_ts: str | None = None) -> None:
        """Upload the reply's file to a channel or thread."""
        assert reply.file is not None
        await self.client.files_upload_v2(channel=channel, content=reply.file.content,
                                          filename=reply.file.filename, title=reply.file.filename,
                                          thread_ts=thread_ts)

    async def ephemeral(self, channel: str, user: str, reply: Reply, thread_ts: str | None = None) -> None:
        """Only `user` sees it; a file goes to their DM (Slack has no ephemeral files)."""
        for payload in render_reply(reply) if reply.text.strip() or not reply.file else []:
            await self.client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, **payload)
        if reply.file is not None:
            await self.upload(await self.open_dm(user), reply)

    async def dm(self, user: str, reply: Reply, metadata: Mapping[str, Any] | None = None) -> str | None:
        """Post a reply in the member's DM; returns the first message's ts."""
        return await self.post(await self.open_dm(user), reply, metadata=metadata)

    async def to_response_url(self, respond: Respond, message: dict[str, Any]) -> Any:
        """POST to the response_url, on the door's session when there is one (bolt opens one per call)."""
        url = getattr(respond, "response_url", None)
        if self.session is None or not url:
            return await respond(**message)
        return await AsyncWebhookClient(url=url, session=self.session).send_dict(message)

    async def respond(self, respond: Respond, user: str, reply: Reply) -> None:
        """Answer through a response_url (slash commands, buttons); files go to the user's DM."""
        kind = "ephemeral" if reply.ephemeral else "in_channel"
        payloads = render_reply(reply) if reply.text.strip() or not reply.file else []
        for index, payload in enumerate(payloads):
            result = await self.to_response_url(respond, {"response_type": kind, "replace_original": False,
                                                          **payload})
            if getattr(result, "status_code", 200) >= 400:  # expired, or used 5 times already
                log.warning("response_url refused a reply (%s); the rest goes as a DM", result.status_code)
                channel = await self.open_dm(user)
                for rest in payloads[index:]:
                    await self.client.chat_postMessage(channel=channel, unfurl_links=False, unfurl_media=False,
                                                       **rest)
                break
        if reply.file is not None:
            await self.upload(await self.open_dm(user), reply)
