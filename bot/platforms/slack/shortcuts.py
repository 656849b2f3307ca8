"""Slack message shortcuts: each route message action is a shortcut whose callback_id is the action's name.

The payload (type "message_action") carries the chosen message; the first message of its thread comes
from conversations.replies. The answer goes through the response_url (privately), or opens a modal.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.core.model import MessageActionInvoked, QuotedMessage
from bot.core.routes import Routes

if TYPE_CHECKING:
    from bot.platforms.slack.listeners import Listeners

log = logging.getLogger(__name__)
NAME_LIMIT, DESCRIPTION_LIMIT = 24, 150  # Slack's limits for a shortcut's name and description


def register_shortcuts(bolt: AsyncApp, listeners: Listeners, routes: Routes) -> None:
    """A message shortcut for each route message action."""
    for action in routes.actions:
        bolt.shortcut(action.name)(listeners._tracked(MessageShortcut(listeners).on_shortcut))


class MessageShortcut:
    """A Slack message shortcut running a route's message action."""

    def __init__(self, listeners: Listeners) -> None:
        self.listeners = listeners

    def quoted(self, message: dict[str, Any]) -> QuotedMessage:
        """The message the shortcut was used on, as the handler sees it."""
        from bot.platforms.slack.listeners import user_text

        bot_user = self.listeners.bot_user
        author = str(message.get("user") or "")
        by_bot = bool(author and author == bot_user) or bool(message.get("bot_id") and not author)
        return QuotedMessage(user_text(str(message.get("text") or ""), bot_user), author, "", by_bot)

    async def thread_root(self, channel: str, message: dict[str, Any]) -> QuotedMessage | None:
        """The thread's first message (None outside a thread, or if Slack will not say)."""
        root_ts = message.get("thread_ts")
        if not root_ts or not channel:
            return None
        if root_ts == message.get("ts"):
            return self.quoted(message)
        try:
            found = await self.listeners.sender.client.conversations_replies(channel=channel, ts=root_ts, limit=1)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("slack: could not read the thread's first message (%s)", type(exc).__name__)
            return None
        messages = found.get("messages") or []
        return self.quoted(messages[0]) if messages else None

    async def on_shortcut(self, ack: Any, body: dict[str, Any], respond: Any) -> None:
        """Run the route's message action on the message picked."""
        await ack()
        user = body.get("user") or {}
        actor = await self.listeners.facts.actor(user["id"], user.get("name") or user.get("username") or "")
        channel = str((body.get("channel") or {}).get("id") or "")
        message = body.get("message") or {}
        event = MessageActionInvoked(actor, str(body.get("callback_id", "")), self.quoted(message),
                                     await self.thread_root(channel, message), channel or None,
                                     channel.startswith("D"))
        outcome = await self.listeners.app.dispatcher.dispatch(event)
        await self.listeners.answer(outcome, actor, body, respond, channel or None)
        self.listeners.journal.record("shortcut", event.action)
