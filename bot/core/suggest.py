"""Suggestions while a member types an option (Discord's autocomplete), from the same declarations.

An option's `autocomplete` names a source: a feature registers its own in `Routes.suggestions` (webinar
ids, feedback references, FAQ topics); "countries", "stages" and "timezones" are built in, and a choice
from a vocabulary too long for Discord's 25 choices is offered from the vocabulary itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any
from zoneinfo import available_timezones

from bot.core import values
from bot.core.commands import Opt
from bot.core.model import Option

if TYPE_CHECKING:
    from bot.core.context import Ctx

Suggest = Callable[["Ctx[Any]", str], Awaitable[Sequence[Option]]]
MAX_SUGGESTIONS = 25


@cache
def zones() -> tuple[str, ...]:
    """Region/City time zone names, sorted (no Etc/ or SystemV/ ones)."""
    return tuple(sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))))


def built_in(ctx: Ctx[Any], source: str | None, option: Opt) -> Sequence[Option]:
    """The options a built-in source or the option's vocabulary offers, labelled in the reader's language."""
    if source == "countries":
        return values.choices("country", ctx.locale, values.places.iso_countries())
    if source == "stages":
        return values.choices("stage", ctx.locale)
    if source == "timezones":
        return tuple(Option(z, z) for z in zones())
    if option.vocabulary:
        return values.choices(option.vocabulary, ctx.locale, option.choices or None)
    return tuple(Option(c, c) for c in option.choices)


async def suggest(ctx: Ctx[Any], option: Opt, typed: str, sources: Mapping[str, Suggest]) -> list[Option]:
    """At most 25 options whose label or value contains what was typed (case and accents ignored)."""
    source = sources.get(option.autocomplete or "")
    offered = await source(ctx, typed) if source else built_in(ctx, option.autocomplete, option)
    wanted = values.fold(typed)
    starts = [o for o in offered if values.fold(o.label).startswith(wanted) or values.fold(o.value) == wanted]
    inside = [o for o in offered if o not in starts and (wanted in values.fold(o.label)
                                                         or wanted in values.fold(o.value))]
    return (starts + inside)[:MAX_SUGGESTIONS]
