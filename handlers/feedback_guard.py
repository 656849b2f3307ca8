"""Guards on `/feedback TEXT`: a typo of a subcommand or a word or two is not filed before the member says so.

`/feedback stauts FB-0001` answers "did you mean /feedback status FB-0001?"; `/feedback export` (fewer than
three words) asks for a Send button press. The button carries the text, so nothing typed is lost, and a
second press of it does not file the same named item twice.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from datetime import timedelta

from bot.core.commands import Sub
from bot.core.model import Button, ButtonPressed, Reply
from bot.core.text import inert
from bot.core.values import fold
from bot.services.container import Ctx
from bot.services.faq.fuzzy import edit_distance

MIN_WORDS = 3
SEND, SEND_ANONYMOUS = "feedback.send", "feedback.send_anonymous"
BUTTON_TEXT_LIMIT = 100 - len(SEND_ANONYMOUS) - 1  # Discord custom_id: "action|value", 100 characters
REF = re.compile(r"\bFB-?[0-9A-Z]{3,}\b", re.IGNORECASE)
REPEAT_WINDOW = timedelta(hours=1)


def close_subcommand(word: str, names: Collection[str], *preferred: Collection[str]) -> str | None:
    """The subcommand `word` is most likely a typo of (one or two edits away), else None; among equally
    close ones, those in the `preferred` sets first (e.g. everyone's, then the reader's language)."""
    word = word.lower()
    if len(word) < 3 or word in names:
        return None
    limit = 1 if len(word) < 6 else 2
    scored = sorted((edit_distance(word, name, limit), [name not in p for p in preferred],
                     abs(len(name) - len(word)), name) for name in names)
    return scored[0][3] if scored and scored[0][0] <= limit else None


def words(subs: Iterable[Sub], admin: bool | None = None, locale: str | None = None) -> frozenset[str]:
    """The words naming these subcommands (folded): all, only everyone's (`admin=False`), or those of one
    language (`locale`: its names there; English: the names and the aliases)."""
    chosen = [s for s in subs if admin is None or s.admin == admin]
    if locale is None:
        return frozenset().union(*(s.words() for s in chosen))
    if locale == "en":
        return frozenset(fold(w) for s in chosen for w in (s.name, *s.aliases))
    return frozenset(fold(s.names[locale]) for s in chosen if locale in s.names)


def needs_asking(text: str) -> bool:
    """Too short to be filed without a confirmation, or looks like a subcommand with a reference."""
    return len(text.split()) < MIN_WORDS or REF.search(text) is not None


def did_you_mean(ctx: Ctx, command: str, suggestion: str, text: str, anonymous: bool) -> Reply:
    """Ask whether the member meant a subcommand before filing their text."""
    rest = text.partition(" ")[2].strip()
    typed = f"/{command} {suggestion} {rest}".strip()
    return _ask(ctx, "feedback.did_you_mean", text, anonymous, suggestion=typed)


def confirm_short(ctx: Ctx, text: str, anonymous: bool) -> Reply:
    """Ask before filing a very short text as feedback."""
    return _ask(ctx, "feedback.short", text, anonymous)


def _ask(ctx: Ctx, key: str, text: str, anonymous: bool, **values: str) -> Reply:
    """The question, with a Send button when the text fits one (else how to write it out in full)."""
    if len(text) > BUTTON_TEXT_LIMIT:
        return Reply("\n".join((ctx.t(key, text=text, **values), ctx.t("feedback.short.write_more"))))
    label = ctx.t("feedback.button.send_anonymous" if anonymous else "feedback.button.send")
    button = Button(label, SEND_ANONYMOUS if anonymous else SEND, text, style="primary")
    return Reply("\n".join((ctx.t(key, text=text, **values), ctx.t("feedback.short.press_send"))),
                 buttons=(button,), ephemeral=True)


async def already_filed(ctx: Ctx, event: ButtonPressed) -> Reply | None:
    """A repeated press of a Send button for a named item: the item it filed (None when there is none)."""
    if event.action != SEND:
        return None
    since = ctx.now - REPEAT_WINDOW
    items = await ctx.services.feedback.search(member_id=ctx.member.id, since=since, limit=20)
    same = next((i for i in items if i.source == "quick" and i.description == inert(event.value.strip())), None)
    return ctx.reply("feedback.short.already_filed", ref=same.ref) if same else None
