"""Declared commands: names per language, subcommands, typed options and admin gates, written once.

From a `Command`'s declaration come the console and Slack text parser (bot/core/invocation.py), Discord's
application-command tree (bot/platforms/discord/commands.py), `/help` in each language (`usage` below) and
the Slack manifest's usage hints. A subcommand is matched by its English name, its name in any language
or an alias, whatever the reader's language ("créer", "creer" and "create" are one subcommand).
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.core.values.vocab import VOCABULARIES, fold

if TYPE_CHECKING:
    from bot.core.context import Ctx
    from bot.core.model import Result

Handler = Callable[["Ctx[Any]", Any], Awaitable["Result"]]


class Kind(enum.StrEnum):
    """What an option holds once read: str, int, bool, a member reference, a code, a UTC datetime, minutes."""

    TEXT = "text"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    MEMBER = "member"
    CHOICE = "choice"
    DATE = "date"
    DURATION = "duration"


@dataclass(frozen=True)
class Opt:
    """One typed option. `description` is a message id; `names` maps a language to the option's name there.

    A CHOICE takes its codes from `choices`, labelled through `vocabulary` (a bot.core.values kind) when
    given; `autocomplete` names a suggestion source instead (Discord offers it while the member types).
    A TEXT option with a `vocabulary` and `autocomplete` is offered that vocabulary while typed but reaches
    its handler as typed (lists such as interests, filters in any order). In typed text each option takes
    one word, the last one the rest of the line.
    """

    name: str
    description: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    vocabulary: str | None = None
    autocomplete: str | None = None
    names: Mapping[str, str] = field(default_factory=dict)
    invalid: str | None = None  # message id for a value that does not fit (default: a generic one)
    keyed: bool = False  # typed as `name=value` anywhere in the line (a name in any language), not by position

    def name_in(self, locale: str) -> str:
        """The option's name in `locale` (English when it has none there)."""
        return self.names.get(locale, self.name)


@dataclass(frozen=True)
class Sub:
    """A subcommand (or, with `subs`, a group of them). `names` maps a language to its name there;
    `aliases` are further words accepted when typed. `admin` refuses it to non-admins in the dispatcher."""

    name: str
    summary: str
    handler: Handler | None = None
    options: tuple[Opt, ...] = ()
    admin: bool = False
    names: Mapping[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    subs: tuple[Sub, ...] = ()

    def __post_init__(self) -> None:
        if (self.handler is None) == (not self.subs):
            raise ValueError(f"subcommand {self.name!r} needs a handler or subcommands, not both")
        check_options(self.name, self.options)

    def name_in(self, locale: str) -> str:
        """The subcommand's name in `locale` (English when it has none there)."""
        return self.names.get(locale, self.name)

    def words(self) -> frozenset[str]:
        """Every word that names this subcommand when typed, folded (case and accents ignored)."""
        return frozenset(fold(w) for w in (self.name, *self.names.values(), *self.aliases))


def on_text(handler: Callable[[Ctx[Any], str], Awaitable[Result]]) -> Handler:
    """A subcommand handler that reads the text after the subcommand's name (console and Slack as typed;
    Discord: the option values joined in declared order), for handlers that parse it themselves."""
    async def run(ctx: Ctx[Any], event: Any) -> Result:
        return await handler(ctx, str(event.args))

    run.__name__ = run.__qualname__ = getattr(handler, "__name__", "run")
    return run


def check_options(owner: str, options: tuple[Opt, ...]) -> None:
    """Discord's rules, checked at start-up: required options first, unique names, choices where needed."""
    seen_optional = False
    for option in options:
        if option.required and seen_optional:
            raise ValueError(f"{owner}: required option {option.name!r} after an optional one")
        seen_optional = seen_optional or not option.required
        if option.kind is Kind.CHOICE and not (option.choices or option.vocabulary or option.autocomplete):
            raise ValueError(f"{owner}: choice option {option.name!r} has no choices")
    names = [o.name for o in options]
    if len(set(names)) != len(names):
        raise ValueError(f"{owner}: option names repeated: {names}")


def find_sub(subs: tuple[Sub, ...], word: str) -> Sub | None:
    """The subcommand `word` names, in any language."""
    folded = fold(word)
    return next((s for s in subs if folded and folded in s.words()), None) if folded else None


def option_usage(option: Opt, locale: str) -> str:
    """How an option reads in a usage line: `<name>`, `[name]`, or its few choices `[en|fr]`."""
    vocabulary = VOCABULARIES.get(option.vocabulary or "")
    labels = [vocabulary.label(c, locale) if vocabulary else c for c in option.choices]
    if option.kind is Kind.CHOICE and labels and len(labels) <= 4 and not any(" " in w for w in labels):
        shown = "|".join(labels)  # typed back as shown (a label is accepted like its code)
    elif option.keyed:
        shown = option.name_in(locale) + "=…"
    else:
        shown = option.name_in(locale)
    return shown if option.required and "|" in shown else f"<{shown}>" if option.required else f"[{shown}]"


def sub_usage(sub: Sub, locale: str) -> str:
    """`name <option> [option]` in `locale`; a group lists its subcommands' names."""
    if sub.subs:
        return f"{sub.name_in(locale)} " + "|".join(s.name_in(locale) for s in sub.subs)
    return " ".join([sub.name_in(locale), *(option_usage(o, locale) for o in sub.options)])
