"""Reply -> Block Kit messages and Form -> modal views, within Slack's limits.

User text is data: `&`, `<` and `>` are escaped, `@here`-style words are neutralised, and sections are
sent with `verbatim: true` so Slack parses nothing it was not told to. Only the bot's own tokens become
markup: mentions `<@U…>`, user groups `<!subteam^S…>` (bot/services/webinars/mention.py) and times
`<!date^unix^…|fallback>`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.core.model import Button, Reply
from bot.core.text import Token, render

SECTION_LIMIT = 3000  # characters in one section block's text
BUTTON_TEXT_LIMIT = 75
BUTTONS_PER_ACTIONS = 25
ACTION_SEPARATOR = "#"
SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]+$")
SLACK_GROUP_ID = re.compile(r"^S[A-Z0-9]+$")
BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
ZERO_WIDTH_SPACE = "\u200b"


def escape(text: str) -> str:
    """Escape Slack's control characters and defuse @channel/@here/@everyone in plain text."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return BROADCAST.sub(lambda m: "@" + ZERO_WIDTH_SPACE + m.group(1), escaped)


def render_token(token: Token) -> str:
    """A mention or time token in Slack markup (foreign-platform mentions fall back to @name)."""
    fallback = escape(token.fallback).replace("|", "/")
    if token.kind == "@":
        return f"<@{token.value}>" if SLACK_USER_ID.match(token.value) else "@" + fallback
    if token.kind == "&":
        return f"<!subteam^{token.value}>" if SLACK_GROUP_ID.match(token.value) else "@" + fallback
    if token.value.isdigit():
        return f"<!date^{token.value}^{{date_long_pretty}} {{time}}|{fallback}>"
    return fallback


def mrkdwn(text: str) -> str:
    """Plain reply text (with tokens) -> Slack mrkdwn."""
    return render(text, escape, render_token)


def split_markup(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Split rendered text into chunks of at most `limit`, at lines or words, never inside `<...>`."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = _cut_point(rest, limit)
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    chunks.append(rest)
    return [c for c in chunks if c] or [""]


def _cut_point(text: str, limit: int) -> int:
    cut = text.rfind("\n", 0, limit)
    if cut <= 0:
        cut = text.rfind(" ", 0, limit)
    if cut <= 0:
        cut = limit
    opened = text.rfind("<", 0, cut)
    if opened > text.rfind(">", 0, cut) and opened > 0:
        cut = opened  # never split a mention or a date token
    entity = text.rfind("&", max(0, cut - 5), cut)
    if entity >= 0 and ";" not in text[entity:cut]:
        cut = entity if entity > 0 else cut  # nor an escape such as &amp;
    return cut


def encode_action(button: Button, index: int) -> str:
    """A unique action_id per button in a message: the route action plus the button's position."""
    return f"{button.action}{ACTION_SEPARATOR}{index}"


def decode_action(action_id: str) -> str:
    """The route action from an action_id made by `encode_action`."""
    return action_id.rsplit(ACTION_SEPARATOR, 1)[0]


def button_element(button: Button, index: int) -> dict[str, Any]:
    """A Block Kit button for `button`."""
    element: dict[str, Any] = {
        "type": "button",
        "action_id": encode_action(button, index),
        "text": {"type": "plain_text", "text": button.label[:BUTTON_TEXT_LIMIT] or "?", "emoji": True},
    }
    if button.value:
        element["value"] = button.value
    if button.style in ("primary", "danger"):
        element["style"] = button.style
    return element


def actions_blocks(buttons: tuple[Button, ...]) -> list[dict[str, Any]]:
    """The buttons as actions blocks, as many per block as Slack allows."""
    elements = [button_element(b, i) for i, b in enumerate(buttons)]
    return [{"type": "actions", "elements": elements[i : i + BUTTONS_PER_ACTIONS]}
            for i in range(0, len(elements), BUTTONS_PER_ACTIONS)]


def render_reply(reply: Reply) -> list[dict[str, Any]]:
    """One or more chat.postMessage payloads (`text` fallback + `blocks`); buttons go on the last one."""
    chunks = split_markup(mrkdwn(reply.text))
    messages: list[dict[str, Any]] = []
    for chunk in chunks:
        blocks: list[dict[str, Any]] = []
        if chunk:
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk, "verbatim": True}})
        messages.append({"text": chunk or " ", "blocks": blocks})
    if reply.buttons:
        messages[-1]["blocks"].extend(actions_blocks(reply.buttons))
    return messages


def metadata(form_id: str, state: str, channel: str | None) -> str:
    """What a modal carries to its submission (Slack's private_metadata, at most 3000 characters)."""
    data = json.dumps({"f": form_id, "s": state, "c": channel}, separators=(",", ":"))
    if len(data) > 3000:
        raise ValueError(f"form {form_id!r} state is too large for a Slack modal")
    return data


def read_metadata(raw: str) -> tuple[str, str, str | None]:
    """(form id, state, channel) kept in a modal's private metadata."""
    data = json.loads(raw or "{}")
    return str(data.get("f", "")), str(data.get("s", "")), data.get("c")
