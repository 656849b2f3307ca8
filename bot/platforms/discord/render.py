"""Neutral replies -> Discord messages: markdown-escaped text, native mentions and times, button rows.

Buttons carry their whole meaning in their custom_id ("action|value"), so a press is understood after a
restart without any view held in memory. Ids starting with "~" belong to the door itself (forms).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any

import discord

from bot.core.model import Button, Reply
from bot.core.text import Token, render, role_ids, split_text

log = logging.getLogger(__name__)
MISSING: Any = discord.utils.MISSING
PLATFORM = "discord"
MAX_CONTENT = 2000
MAX_CUSTOM_ID = 100
MAX_BUTTONS = 25
INTERNAL = "~"
NO_MENTIONS = discord.AllowedMentions.none()
STYLES = {"primary": discord.ButtonStyle.primary, "danger": discord.ButtonStyle.danger}


def escape(text: str) -> str:
    """User and catalog text shown as typed: no markdown effects (pings are off through allowed_mentions)."""
    return discord.utils.escape_markdown(text)


def render_token(token: Token) -> str:
    """A mention or timestamp token in Discord's syntax (an unknown member as escaped text)."""
    if token.kind == "@":
        return f"<@{token.value}>" if token.value.isdigit() else escape("@" + token.fallback)
    if token.kind == "&":
        return f"<@&{token.value}>" if token.value.isdigit() else escape("@" + token.fallback)
    return f"<t:{token.value}:F> (<t:{token.value}:R>)"


def allowed_mentions(text: str) -> discord.AllowedMentions:
    """Nobody is pinged but the roles the bot mentioned itself (role tokens): never @everyone, a member or a
    role written in user text."""
    roles = [discord.Object(int(r)) for r in role_ids(text) if r.isdigit()]
    return discord.AllowedMentions(everyone=False, users=False, roles=roles, replied_user=False) if roles \
        else NO_MENTIONS


def to_markdown(text: str) -> str:
    """Reply text -> Discord message content."""
    return render(text, escape, render_token)


def button_id(button: Button) -> str:
    """The custom_id of a feature button: "action|value" (at most 100 characters)."""
    custom_id = f"{button.action}|{button.value}"
    if len(custom_id) > MAX_CUSTOM_ID:
        raise ValueError(f"button {button.action!r} custom_id longer than {MAX_CUSTOM_ID} characters")
    return custom_id


def parse_button_id(custom_id: str) -> tuple[str, str]:
    """"action|value" -> (action, value)."""
    action, _, value = custom_id.partition("|")
    return action, value


def make_view(items: list[discord.ui.Item[discord.ui.View]]) -> discord.ui.View | None:
    """A view to send, never kept in memory by discord.py (presses go through on_interaction)."""
    if not items:
        return None
    view = discord.ui.View(timeout=None)
    for item in items[:MAX_BUTTONS]:
        view.add_item(item)
    view.stop()  # a finished view is not stored by discord.py: nothing lives in memory between presses
    return view


def ui_button(label: str, custom_id: str, style: str | None = None) -> discord.ui.Button[discord.ui.View]:
    """A discord.py button, its label cut to Discord's limit."""
    return discord.ui.Button(label=label[:80] or "?", custom_id=custom_id,
                             style=STYLES.get(style or "", discord.ButtonStyle.secondary))


def buttons_view(buttons: tuple[Button, ...]) -> discord.ui.View | None:
    """Discord refuses two buttons with one custom_id in a message, and more than 25: keep the first ones."""
    fitting = [b for b in buttons if len(f"{b.action}|{b.value}") <= MAX_CUSTOM_ID]
    if len(fitting) < len(buttons):
        log.error("discord: button(s) with action|value over %d characters left out", MAX_CUSTOM_ID)
    unique = {button_id(b): b for b in reversed(fitting)}
    kept = [b for b in fitting if unique.get(button_id(b)) is b]
    if len(kept) > MAX_BUTTONS:
        log.warning("discord: %d buttons in one message; only the first %d are shown", len(kept), MAX_BUTTONS)
    return make_view([ui_button(b.label, button_id(b), b.style) for b in kept[:MAX_BUTTONS]])


@dataclass
class Outgoing:
    """One Discord message to send."""

    content: str
    view: discord.ui.View | None = None
    file: discord.File | None = None
    ephemeral: bool = False
    mentions: discord.AllowedMentions = NO_MENTIONS

    async def send_to(self, where: discord.abc.Messageable, reference: discord.Message | None = None) -> None:
        """Send as a channel or DM message."""
        view, file = self.view or MISSING, self.file or MISSING
        if reference is None:
            await where.send(self.content, view=view, file=file, allowed_mentions=self.mentions)
        else:
            await where.send(self.content, view=view, file=file, allowed_mentions=self.mentions, reference=reference,
                             mention_author=False)

    async def answer(self, interaction: discord.Interaction) -> None:
        """Send as the interaction's response, or as a followup once it has one."""
        view, file = self.view or MISSING, self.file or MISSING
        if not interaction.response.is_done():
            await interaction.response.send_message(self.content, view=view, file=file, ephemeral=self.ephemeral,
                                                    allowed_mentions=self.mentions)
        else:
            await interaction.followup.send(self.content, view=view, file=file, ephemeral=self.ephemeral,
                                            allowed_mentions=self.mentions)


def to_messages(reply: Reply) -> list[Outgoing]:
    """A reply as Discord messages: long text split at 2000 characters, buttons and file on the last one."""
    chunks = split_text(to_markdown(reply.text), MAX_CONTENT) or [""]
    mentions = allowed_mentions(reply.text)
    messages = [Outgoing(chunk or "\u200b", ephemeral=reply.ephemeral, mentions=mentions) for chunk in chunks]
    last = messages[-1]
    last.view = buttons_view(reply.buttons)
    if reply.file is not None:
        last.file = discord.File(io.BytesIO(reply.file.content), filename=reply.file.filename)
    return messages
