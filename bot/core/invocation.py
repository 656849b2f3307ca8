"""Reading a command invocation against its declaration: which (sub)command, and its options as typed values.

The console and Slack give a line of text: the first word may name a subcommand (in any language), then
each option takes one word and the last one the rest of the line. Discord gives the subcommand path and
raw option values. Both end in the same `Call`, with the values converted by the same functions, so a
date, a member or a choice reads the same from every door.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from bot.core import values
from bot.core.commands import Handler, Kind, Opt, Sub, find_sub
from bot.core.context import UserError
from bot.core.i18n import zone
from bot.core.ids import parse_id
from bot.core.model import CommandInvoked
from bot.core.values import dates, durations

if TYPE_CHECKING:
    from bot.core.context import Ctx
    from bot.core.routes import Command

Value = str | int | bool | datetime
RawValue = str | int | float | bool
KEYED_RE = re.compile(r'(?:^|(?<=\s))([^\s="]+)=("[^"]*"|\S+)')  # `name=value`, the value maybe in quotes
MEMBER_RE = re.compile(r"^<?[@!]*([^|>]+)(?:\|[^>]*)?>?$")  # "@ana", "<@U123>", "<@!123>", "<@U1|ana>"


@dataclass(frozen=True)
class Target:
    """Which subcommand an invocation names (None: the bare command) and its raw option values."""

    sub: Sub | None
    path: tuple[str, ...]
    raw: dict[str, RawValue]
    admin: bool = False  # the subcommand or its group is admin-only


def locate(command: Command, event: CommandInvoked) -> Target:
    """The subcommand `event` names, from Discord's path or the first words of the text."""
    sub, path, raw = _from_options(command, event) if event.options is not None else _from_text(command, event.args)
    admin = any(s.admin for s in _along(command.subs, path))
    return Target(sub, path, raw, admin)


def _along(subs: tuple[Sub, ...], path: tuple[str, ...]) -> list[Sub]:
    """The subcommands a path goes through (a group, then its subcommand)."""
    found: list[Sub] = []
    for name in path:
        sub = next((s for s in subs if s.name == name), None)
        if sub is None:
            break
        found.append(sub)
        subs = sub.subs
    return found


def bind(command: Command, target: Target, event: CommandInvoked, ctx: Ctx[Any]) -> tuple[Handler, CommandInvoked]:
    """The handler and the event it receives, values typed; raises UserError (translated) for a bad or
    missing value."""
    sub, raw = target.sub, target.raw
    if sub is not None and sub.subs:  # a group named without one of its subcommands
        raise UserError("commands.choose_sub", usage=" | ".join(s.name_in(ctx.locale) for s in sub.subs))
    options = sub.options if sub else command.default.options if command.default else command.options
    typed = {o.name: convert(o, raw[o.name], ctx) for o in options if raw.get(o.name) not in (None, "")}
    missing = [o for o in options if o.required and o.name not in typed]
    if missing:
        raise UserError("commands.missing", option=missing[0].name_in(ctx.locale))
    if event.options is not None:
        args = _joined(options, raw)
    elif sub is not None:
        args = _rest_after(event.args, len(target.path))
    else:
        args = bare_text(command, event.args)
    handler = sub.handler if sub and sub.handler else command.handler
    return handler, replace(event, path=target.path, values=typed, args=args)


def _from_text(command: Command, text: str) -> tuple[Sub | None, tuple[str, ...], dict[str, RawValue]]:
    words = text.split()
    sub = find_sub(command.subs, words[0]) if words else None
    if sub is not None and len(words) > 1 and takes_free_text(command) and not (sub.options or sub.subs):
        sub = None  # "/faq gaps in coverage?" is a question, not `gaps` with its words dropped
    if sub is None:
        options = command.default.options if command.default else command.options
        return None, (), split_options(options, bare_text(command, text)) if options else {}
    path: tuple[str, ...] = (sub.name,)
    inner = find_sub(sub.subs, words[1]) if sub.subs and len(words) > 1 else None
    if inner is not None:
        sub, path = inner, (*path, inner.name)
    return sub, path, split_options(sub.options, _rest_after(text, len(path)))


def takes_free_text(command: Command) -> bool:
    """Whether the bare command reads free text (its `default` takes options, like /faq's question)."""
    return command.default is not None and bool(command.default.options)


def bare_text(command: Command, text: str) -> str:
    """The text for the bare command: as typed, without the name of a `default` taking no options when it
    starts it ("/profile show" is "/profile", as on Discord). Free text is never cut ("/feedback new …")."""
    words = text.split(maxsplit=1)
    default = command.default
    if default is not None and not default.options and words and find_sub((default,), words[0]) is not None:
        return words[1] if len(words) > 1 else ""
    return text


def _from_options(command: Command, event: CommandInvoked) -> tuple[Sub | None, tuple[str, ...],
                                                                    dict[str, RawValue]]:
    raw = dict(event.options or {})
    if not event.path or (command.default and event.path == (command.default.name,)):
        return None, (), raw
    subs, sub, path = command.subs, None, list[str]()
    for name in event.path:
        sub = next((s for s in subs if s.name == name), None)
        if sub is None:
            raise UserError("commands.choose_sub", usage=" | ".join(s.name for s in subs))
        subs, path = sub.subs, [*path, sub.name]
    return sub, tuple(path), raw


def _rest_after(text: str, words: int) -> str:
    """`text` without its first `words` words."""
    parts = text.strip().split(maxsplit=words)
    return parts[words].strip() if len(parts) > words else ""


def split_options(options: tuple[Opt, ...], text: str) -> dict[str, RawValue]:
    """Typed text to option values: keyed options where `name=value` is written, then one word each, the last
    option the rest of the line."""
    found: dict[str, RawValue] = {}
    rest = text.strip()
    for option in (o for o in options if o.keyed):
        names = {values.fold(n) for n in (option.name, *option.names.values())}
        match = next((m for m in KEYED_RE.finditer(rest) if values.fold(m.group(1)) in names), None)
        if match is not None:
            found[option.name] = match.group(2).strip('"')
            rest = (rest[: match.start()] + rest[match.end() :]).strip()
    options = tuple(o for o in options if not o.keyed)
    for index, option in enumerate(options):
        if not rest:
            break
        if index == len(options) - 1:
            found[option.name], rest = rest, ""
        else:
            word, _, rest = rest.partition(" ")
            found[option.name], rest = word, rest.strip()
    return found


def _joined(options: tuple[Opt, ...], raw: Mapping[str, RawValue]) -> str:
    """The text a member would have typed for these option values (for handlers that read `args`)."""
    return " ".join(_as_text(raw[o.name]) for o in options if raw.get(o.name) not in (None, ""))


def _as_text(value: RawValue) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def convert(option: Opt, raw: RawValue, ctx: Ctx[Any]) -> Value:
    """One option's value, typed: the same conversion whatever door it came through."""
    text = _as_text(raw).strip()
    if option.kind is Kind.TEXT:
        return text
    if option.kind is Kind.INTEGER:
        number = raw if isinstance(raw, int) and not isinstance(raw, bool) else parse_id(text)
        if number is None:
            raise _bad(option, ctx, text, "commands.bad.integer")
        return number
    if option.kind is Kind.BOOLEAN:
        return raw if isinstance(raw, bool) else values.parse_yes_no(text, ctx.locale)
    if option.kind is Kind.MEMBER:
        match = MEMBER_RE.match(text)
        return match.group(1).strip() if match else text
    if option.kind is Kind.CHOICE:
        return _choice(option, text, ctx)
    if option.kind is Kind.DATE:
        return _date(option, text, ctx)
    minutes = durations.minutes(text)
    if minutes is None:
        raise _bad(option, ctx, text, "commands.bad.duration")
    return minutes


def _bad(option: Opt, ctx: Ctx[Any], text: str, key: str, **more: str) -> UserError:
    return UserError(option.invalid or key, option=option.name_in(ctx.locale), value=text[:40], choice=text[:20],
                     text=text[:20], **more)


def choice_label(option: Opt, code: str, locale: str) -> str:
    """How a choice reads in `locale`: its vocabulary's label, else the code itself."""
    return values.label(option.vocabulary, code, locale) if option.vocabulary else code


def _choice(option: Opt, text: str, ctx: Ctx[Any]) -> str:
    offered = ", ".join(option.choices)
    if option.vocabulary:
        try:
            code = values.parse(option.vocabulary, text, ctx.locale, option.choices or None)
        except values.BadValue:
            if option.invalid is None:
                raise
            code = ""
    else:
        code = next((c for c in option.choices if values.fold(c) == values.fold(text)), "")
    if option.choices and code not in option.choices:
        raise _bad(option, ctx, text, "commands.bad.choice", options=offered)
    return code


def _date(option: Opt, text: str, ctx: Ctx[Any]) -> datetime:
    """A date (start of that day) or a date and time, in the reader's zone, as UTC."""
    tz = zone(ctx.member.timezone or ctx.services.settings.community_timezone)
    local_now = ctx.now.astimezone(tz).replace(tzinfo=None)
    try:
        reading = dates.read(text, ctx.locale, local_now)
    except ValueError:
        reading = None
    if reading is not None:
        wall = reading.wall or datetime.combine(reading.day, time(0, 0))
    else:
        parsed = dates.lenient(text, ctx.locale, local_now)
        if parsed is None:
            raise _bad(option, ctx, text, "commands.bad.date")
        wall = parsed
    return wall.replace(tzinfo=tz).astimezone(ctx.now.tzinfo)
