"""`community-bot console`: the whole bot on stdin/stdout with a simulated clock.

Lines are read in the main thread between turns of the event loop (an `asyncio.Runner`), so in a terminal
`readline` gives line editing and history, and Ctrl-C leaves at once instead of waiting for Enter.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys

from bot.app import lifespan
from bot.commands.options import with_db
from bot.core.clock import SimClock
from bot.core.i18n import Catalogs
from bot.platforms.console.door import ConsoleDoor
from bot.settings import Settings
from bot.store.db import StoreError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `community-bot console`."""
    parser = subparsers.add_parser("console", help="talk to the bot in this terminal (simulated clock)")
    parser.add_argument("--db", help="database file (default: BOT_DB or ./community-bot.db)")
    parser.add_argument("--user", default="you", help="the member you act as (default: you)")
    parser.add_argument("--lang", choices=("en", "fr"), help="your platform language")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Talk to the bot in this terminal until end of input; a database error ends it with a message."""
    settings = with_db(args, settings)
    try:
        with asyncio.Runner() as runner:
            console(runner, settings, args.user, args.lang)
    except StoreError as exc:
        locale = args.lang or settings.default_locale
        print(Catalogs().t(locale, "errors.database_open", path=settings.db_path), file=sys.stderr)
        print(f"({exc})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C: leave, without a traceback
        print(file=sys.stderr)
        return 130
    return 0


def console(runner: asyncio.Runner, settings: Settings, user: str, lang: str | None) -> None:
    """Open the app, then read and answer lines until end of input, :quit or Ctrl-C."""
    clock = SimClock()
    stack = contextlib.AsyncExitStack()
    app = runner.run(stack.enter_async_context(lifespan(settings=settings, clock=clock, deliver=True)))
    try:
        door = ConsoleDoor(app, clock, sys.stdout, user, lang)
        runner.run(door.restore_clock())
        interactive = sys.stdin.isatty()
        if interactive:
            enable_line_editing()
            runner.run(door.refresh_locale())
            door.say(door.t("console.banner"))
        while not door.quitting:
            line = read_line(interactive, door.user)
            if line is None:
                break
            runner.run(door.handle_line(line))
    finally:
        runner.run(stack.aclose())


def enable_line_editing() -> None:
    """Arrow keys, editing and history for input() (GNU readline or libedit, where Python has it)."""
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (importing it is what turns line editing on)


def read_line(interactive: bool, user: str) -> str | None:
    """The next line typed (a prompt when interactive), None at end of input."""
    try:
        return input(f"{user}> ") if interactive else _read_stdin()
    except EOFError:
        return None


def _read_stdin() -> str | None:
    line = sys.stdin.readline()
    return line if line else None
