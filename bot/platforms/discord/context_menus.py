"""Discord message context commands (right-click a message > Apps), one per route message action.

Synced with the slash commands; the name is the English label with the catalogs' French one as its
localization; admin-only actions are hidden from members without Manage Server (the dispatcher refuses them
anyway). The first message of the chosen message's thread: the message a thread was started from (a thread's
id is its starter message's id), else the message it replies to.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import discord

from bot.app import App
from bot.core.i18n import Catalogs
from bot.core.model import MessageActionInvoked, QuotedMessage
from bot.core.routes import MessageAction
from bot.core.text import inert
from bot.platforms.discord.interactions import Interactions, interaction_actor

log = logging.getLogger(__name__)
MESSAGE_MENU = 3  # the application command type of a message context command
MENU_NAME_LIMIT = 32
MANAGE_GUILD = discord.Permissions(manage_guild=True).value
MENTION = re.compile(r"<@[!&]?\d+>")


def menu_name(action: MessageAction, catalogs: Catalogs, lang: str) -> str:
    """The context menu's name in `lang`, within Discord's limit."""
    return catalogs.t(lang, action.label)[:MENU_NAME_LIMIT]


def menu_payloads(actions: tuple[MessageAction, ...], catalogs: Catalogs) -> list[dict[str, Any]]:
    """The message context commands to sync, beside the slash commands."""
    payloads = []
    for action in actions:
        english, french = menu_name(action, catalogs, "en"), menu_name(action, catalogs, "fr")
        payload: dict[str, Any] = {"type": MESSAGE_MENU, "name": english,
                                   "default_member_permissions": str(MANAGE_GUILD) if action.admin else None}
        if french != english:
            payload["name_localizations"] = {"fr": french}
        payloads.append(payload)
    return payloads


def is_message_menu(interaction: discord.Interaction) -> bool:
    """Whether the interaction comes from a message context menu."""
    return dict(interaction.data or {}).get("type") == MESSAGE_MENU


def quoted(message: Mapping[str, Any] | None, me: int | None) -> QuotedMessage | None:
    """A raw message (REST or the interaction's resolved data) as the core's QuotedMessage."""
    if not message:
        return None
    author = message.get("author") or {}
    author_id = str(author.get("id", ""))
    name = str(author.get("global_name") or author.get("username") or "")
    text = inert(MENTION.sub(" ", str(message.get("content") or ""))).strip()
    return QuotedMessage(text, author_id, name, me is not None and author_id == str(me))


class MessageActions:
    """Turns a message context command into a neutral event, answered like any other interaction."""

    def __init__(self, app: App, interactions: Interactions) -> None:
        self.app = app
        self.interactions = interactions

    def action_named(self, name: str) -> str:
        """The route action behind a menu's (English) name; unknown names go through as they are."""
        catalogs = self.app.services.catalogs
        return next((a.name for a in self.app.routes.actions if menu_name(a, catalogs, "en") == name), name)

    async def on_action(self, interaction: discord.Interaction) -> None:
        """Run the route's message action on the message picked."""
        if not await self.interactions.fresh(interaction):
            return
        data: dict[str, Any] = dict(interaction.data or {})
        target = str(data.get("target_id", ""))
        raw = ((data.get("resolved") or {}).get("messages") or {}).get(target) or {}
        me = interaction.client.user.id if interaction.client.user else None
        message = quoted(raw, me) or QuotedMessage("")
        root = await self.thread_root(interaction, raw, me)
        event = MessageActionInvoked(interaction_actor(interaction), self.action_named(str(data.get("name", ""))),
                                     message, root, channel=str(interaction.channel_id),
                                     is_dm=interaction.guild_id is None)
        await self.interactions.answer(interaction, self.app.dispatcher.handle(event))

    async def thread_root(self, interaction: discord.Interaction, raw: Mapping[str, Any],
                          me: int | None) -> QuotedMessage | None:
        """The first message of the thread the picked message is in, or None."""
        channel = interaction.channel
        if isinstance(channel, discord.Thread) and channel.parent_id:
            if str(raw.get("id")) == str(channel.id):
                return quoted(raw, me)
            for where in (channel.parent_id, channel.id):  # a thread from a message, or a forum post
                try:
                    return quoted(await interaction.client.http.get_message(where, channel.id), me)
                except discord.HTTPException:
                    continue
            log.info("discord: the first message of thread %s could not be read", channel.id)
        return quoted(raw.get("referenced_message"), me)
