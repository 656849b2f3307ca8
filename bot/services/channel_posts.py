"""What the bot posts in a channel is written in the channel's language(s), set by BOT_DEFAULT_LOCALE:
`en` or `fr` post in that language; `bilingual` (English first) or `bilingue` (French first) post both
languages in one message, the community's default first, separated by a line. Direct messages keep the
member's own language; only channel posts go through here.

A post addressed to one member (the welcome fallback when their DM failed) or carrying their words (a
question asked in French, reposted to the help channel) puts their language first; a post about something
with languages of its own (a French webinar session) adds them after the channel's. Either way the people
it concerns can read it, and so can the rest of the channel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from bot.core.i18n import SUPPORTED, Catalogs

if TYPE_CHECKING:
    from bot.settings import Settings

SEPARATOR = "\n\n———\n\n"
LABEL_SEPARATOR = " / "


def channel_locales(settings: Settings, first: str | None = None, also: Iterable[str] = ()) -> tuple[str, ...]:
    """The languages of a channel post, in order: `first` (the addressee's), the channel's, then `also`."""
    ordered = [first, *settings.channel_locales, *also]
    return tuple(dict.fromkeys(lc for lc in ordered if lc in SUPPORTED))


def channel_text(locales: Iterable[str], write: Callable[[str], str]) -> str:
    """The same post written once per language, the texts one after the other (each written once)."""
    return SEPARATOR.join(dict.fromkeys(write(locale) for locale in locales))


def channel_label(catalogs: Catalogs, locales: Iterable[str], key: str, **values: object) -> str:
    """A button label in each language of the post ("Going / J'y serai"); one label when they agree."""
    return LABEL_SEPARATOR.join(dict.fromkeys(catalogs.t(locale, key, **values) for locale in locales))
