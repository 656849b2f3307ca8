"""When a member is forgotten, the posts that name them are edited on the platform (issue 15 #2).

The outbox keeps, for each channel post it sent, the platform's message reference (Slack's ts, Discord's
message id). Before /forget-me strips those rows, each post that names the member gets an edit queued in
the outbox (`privacy:<member id>:edit:<row id>`, destination kind "edit", target "<channel>|<reference>"):
its text with the member's mention tokens and display name replaced by a neutral label, and whatever a
feature's part rewrites itself (a feedback post's "from <name>" becomes "anonymous"). The Slack messenger
sends it as chat.update, the Discord one as a message edit. Group DMs and the DMs other members received
are not edited (see /privacy): they belong to the conversation of the people in them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.core.i18n import Catalogs
from bot.core.model import Destination, Member, Reply
from bot.core.routes import PrivacyPart
from bot.core.text import CLOSE, OPEN
from bot.store import privacy as sql
from bot.store.db import Connection

if TYPE_CHECKING:
    from bot.services.outbox import Outbox

EDIT = "edit"
Redact = Callable[[str], str]


def redactor(member: Member, parts: tuple[PrivacyPart[Connection], ...], catalogs: Catalogs, locale: str) -> Redact:
    """A function that takes the member out of a post's text: the parts' own rewrites first (they know their
    wording), then the member's mention tokens, then their display name as a whole word."""
    label = catalogs.t(locale, "privacy.former_member")
    token = re.compile(f"{OPEN}@:{re.escape(member.user_id)}\\|[^{CLOSE}]*{CLOSE}")
    name = re.compile(rf"(?<!\w){re.escape(member.display_name)}(?!\w)") \
        if len(member.display_name) >= sql.MIN_NAME else None
    rewrites = [method for part in parts if (method := getattr(part, "redact", None)) is not None]

    def redact(text: str) -> str:
        for rewrite in rewrites:
            text = rewrite(text, member, catalogs)
        text = token.sub(label, text)
        return name.sub(label, text) if name is not None else text

    return redact


def edit_destination(row: dict[str, object]) -> Destination:
    """Where an edit of this outbox row goes: the post's channel and its platform reference."""
    if row["kind"] == EDIT:  # an earlier edit of the same post
        return Destination(str(row["platform"]), EDIT, str(row["target"]))
    return Destination(str(row["platform"]), EDIT, f"{row['target']}|{row['platform_ref']}")


def split_target(target: str) -> tuple[str, str]:
    """"<channel>|<reference>" -> (channel, reference), for the messengers."""
    channel, _, ref = target.rpartition("|")
    return channel, ref


async def queue_edits(db: Connection, outbox: Outbox, member: Member, keys: tuple[str, ...],
                      redact: Redact) -> int:
    """Queue an edit for every post on a platform that names `member`; returns how many were queued."""
    queued = 0
    for row in await sql.posts_to_edit(db, member, keys):
        original = Reply.from_json(json.loads(str(row["payload"])))
        text = redact(original.text)
        if text == original.text:
            continue
        edited = Reply(text, buttons=original.buttons)
        queued += await outbox.enqueue(db, f"privacy:{member.id}:edit:{row['id']}", edit_destination(row), edited)
    return queued
