"""What a French reader received, checked against the English catalog: the words that only English messages
use must not appear in it. Shared by the French journey tests (console, Slack, Discord)."""

from __future__ import annotations

import re
from functools import cache

from bot.core.i18n import LOCALES_DIR, load_language

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# what is shown as it is: links, file names, zone ids, channels, mentions, ids, Slack's <...> tokens, and the
# language picker's "English" (each language is offered in its own name)
INERT = re.compile("|".join((
    r"https?://\S+", r"#[\w-]+", r"\[\d+\] English\b", r"\b[\w-]+\.(?:ics|png|csv|json)\b", r"\b[\w+-]+/[\w+/-]+\b",
    r"<[^>]*>", r"@\S+", r"\bFB-\w+", r"\[\w+ [^\]]*\]", r"\([A-Z]{2,5}\)")))
PLACEHOLDER = re.compile(r"\{[^}]*\}")
# shared by both languages in our texts (product and place names, abbreviations, loanwords the French catalog uses)
SHARED = {"openimis", "slack", "discord", "ics", "fhir", "dhis", "api", "utc", "gmt", "id", "configuration", "mobile"}
# English day and month names (dates are spelled by Babel, not by the catalogs)
CALENDAR = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
            "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}


def plain(text: str) -> str:
    """`text` with French typography's no-break spaces and curly apostrophes made plain, so that a test reads
    the words whatever the catalogs' typography (« x », ’)."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")


def _words(text: str) -> set[str]:
    return {w.casefold() for w in WORD.findall(PLACEHOLDER.sub(" ", INERT.sub(" ", text)))}


@cache
def english_only_words() -> frozenset[str]:
    """Words (3 letters or more) found in some English message and in no French one."""
    english = set().union(*(_words(t) for t in load_language(LOCALES_DIR / "en" / "LC_MESSAGES").values()))
    french = set().union(*(_words(t) for t in load_language(LOCALES_DIR / "fr" / "LC_MESSAGES").values()))
    return frozenset({w for w in english - french - SHARED if len(w) >= 3} | CALENDAR)


def english_words(text: str, allowed: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The English-only catalog words in `text` (what a member typed can be passed as `allowed`)."""
    allowed_words = set().union(*(_words(a) for a in allowed)) if allowed else set()
    return sorted(_words(text) & english_only_words() - allowed_words)


def assert_french(text: str, *typed: str) -> None:
    """`text` holds no word of the English catalog (`typed`: what members typed, shown back as it is)."""
    found = english_words(text, set(typed))
    assert not found, f"English words {found} in a French text:\n{text}"
