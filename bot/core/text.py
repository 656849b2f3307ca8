"""Tokens for mentions and times inside plain reply text, and the helpers that keep user text inert.

Handlers never write platform markup. A mention or a time is a token in the text; each door turns
tokens into its own markup (Slack `<@U1>` / `<!subteam^S1>` / `<!date^...>`, Discord `<@1>` / `<@&1>` /
`<t:...>`, console text) after escaping everything else. User text cannot forge a token: `inert()` strips
the marker characters. A role token (a Discord role, a Slack user group) is only made by the bot for a
channel post (bot/services/webinars/mention.py); messengers turn it back into plain text in a DM.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

OPEN, CLOSE = "\ue000", "\ue001"
TOKEN_RE = re.compile(f"{OPEN}([@&t]):([^{CLOSE}|]*)\\|([^{CLOSE}]*){CLOSE}")
MAX_TEXT = 4000


KEPT_SPACES = "\n\t\u00a0\u202f"  # the non-breaking spaces of French typography are not "printable" to Python


def inert(text: str) -> str:
    """Remove token markers and control characters from user-supplied text."""
    cleaned = text.replace(OPEN, "").replace(CLOSE, "")
    return "".join(ch for ch in cleaned if ch in KEPT_SPACES or ch.isprintable())


class Safe(str):
    """Text the bot produced itself (tokens included): passed through translations unchanged."""


def mention(user_id: str, display_name: str) -> Safe:
    """A token that doors render as a mention of `user_id` (display name as fallback)."""
    return Safe(f"{OPEN}@:{inert(user_id).replace('|', '')}|{inert(display_name)}{CLOSE}")


def role_mention(role_id: str, label: str) -> Safe:
    """A token that doors render as a mention of a role or user group (`label` elsewhere, as @label)."""
    return Safe(f"{OPEN}&:{inert(role_id).replace('|', '')}|{inert(label)}{CLOSE}")


def timestamp(unix: int, fallback: str) -> Safe:
    """A token that doors render as a native timestamp, or as `fallback` (already localised)."""
    return Safe(f"{OPEN}t:{unix}|{inert(fallback)}{CLOSE}")


@dataclass(frozen=True)
class Token:
    """A mention or a timestamp inside reply text, rendered by each door its own way."""

    kind: str  # "@" (a member), "&" (a role or user group) or "t" (a time)
    value: str
    fallback: str


def render(text: str, escape: Callable[[str], str], token: Callable[[Token], str]) -> str:
    """Escape the plain parts of `text` and render each token with `token`."""
    out: list[str] = []
    pos = 0
    for match in TOKEN_RE.finditer(text):
        out.append(escape(text[pos : match.start()]))
        out.append(token(Token(match.group(1), match.group(2), match.group(3))))
        pos = match.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def plain(text: str) -> str:
    """Render tokens as their fallbacks (mentions as @name): for logs, the console and tests."""
    return render(text, lambda s: s, lambda t: "@" + t.fallback if t.kind in "@&" else t.fallback)


def role_ids(text: str) -> list[str]:
    """The ids of the role mentions in `text` (for Discord's allowed_mentions), in order, once each."""
    return list(dict.fromkeys(m.group(2) for m in TOKEN_RE.finditer(text) if m.group(1) == "&" and m.group(2)))


def without_roles(text: str) -> str:
    """`text` with its role mentions as plain @label text: what a DM carries (it never pings a group)."""
    return TOKEN_RE.sub(lambda m: "@" + m.group(3) if m.group(1) == "&" else m.group(0), text)


def split_text(text: str, limit: int) -> list[str]:
    """Split a long message at line or word boundaries into chunks of at most `limit` characters."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    chunks.append(rest)
    return chunks
