"""Durations as people type them in English or French: "90", "90 min", "1h30", "1 h 30", "1:30", "2 heures",
"2j", "2 jours", "1 day". Lists of them ("24h 1h", "2 jours, 1 heure") for reminder offsets."""

from __future__ import annotations

import re

from bot.core.values.vocab import fold

UNITS = {
    **dict.fromkeys(("m", "mn", "min", "mins", "minute", "minutes"), 1),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours", "heure", "heures"), 60),
    **dict.fromkeys(("d", "day", "days", "j", "jour", "jours"), 1440),
}
_HOURS = "|".join(sorted((u for u, size in UNITS.items() if size == 60), key=len, reverse=True))
_OTHERS = "|".join(sorted((u for u, size in UNITS.items() if size != 60), key=len, reverse=True))
_MINUTES = r"(?: ?(?:m|mn|min|minutes?)(?![a-z]))"
ONE = re.compile(rf"(\d{{1,5}}) ?(?:({_HOURS})(?![a-z])(?: ?(\d{{2}})(?!\d){_MINUTES}?)?|({_OTHERS})(?![a-z]))")
# in a list, "1h 24h" and "1h 30m" are two offsets and "1h30" is one: minutes after hours must be attached
LISTED = re.compile(rf"(\d{{1,5}}) ?(?:({_HOURS})(?![a-z])(?:(\d{{2}})(?!\d){_MINUTES}?)?|({_OTHERS})(?![a-z]))")
SEPARATORS = re.compile(r"^(?:\s|,|;|\bet\b|\band\b)*$")


def _normalise(text: str) -> str:
    return fold(re.sub(r"(\d{1,2})\s*:\s*(\d{2})", r"\1h\2", text))


def _value(match: re.Match[str]) -> int:
    number, hours, extra, other = match.groups()
    return int(number) * UNITS[hours or other] + int(extra or 0)


def minutes(text: str, default_unit: int = 1) -> int | None:
    """One duration in minutes ("1h30" -> 90; a bare number counts `default_unit` minutes); None if unreadable."""
    words = _normalise(text)
    if re.fullmatch(r"\d{1,5}", words):
        return int(words) * default_unit
    match = ONE.fullmatch(words)
    return _value(match) if match else None


def minutes_list(text: str) -> list[int] | None:
    """Several durations ("24h 1h 30m", "2 jours, 1 heure"); each needs its unit. None if any part is unreadable."""
    words = _normalise(text)
    found: list[int] = []
    position = 0
    for match in LISTED.finditer(words):
        if not SEPARATORS.match(words[position:match.start()]):
            return None
        found.append(_value(match))
        position = match.end()
    if not found or not SEPARATORS.match(words[position:]):
        return None
    return found
