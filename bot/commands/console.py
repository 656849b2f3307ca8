"""`community-bot console`: the whole bot on stdin/stdout with a simulated clock."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.app import lifespan
from bot.commands.options import with_db
from bot.core.clock import SimClock
from bot.core.i18n import Catalogs
from bot.platforms.console.door import ConsoleDoor
from bot.settings import Settings
from bot.store.db import StoreError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("console", help="talk to the bot in this terminal (simulated clock)")
    parser.add_argument("--db", help="database file (default: BOT_DB or ./community-bot.db)")
    parser.add_argument("--user", default="you", help="the member you act as (default: you)")
    parser.add_argument("--lang", choices=("en", "fr"), help="your platform language")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    settings = with_db(args, settings)
    try:
        asyncio.run(console(settings, args.user, args.lang))
    except StoreError as exc:
        locale = args.lang or settings.default_locale
        print(Catalogs().t(locale, "errors.database_open", path=settings.db_path), file=sys.stderr)
        print(f"({exc})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


async def console(settings: Settings, user: str, lang: str | None) -> None:
    clock = SimClock()
    async with lifespan(settings=settings, clock=clock) as app:
        door = ConsoleDoor(app, clock, sys.stdout, user, lang)
        await door.restore_clock()
        interactive = sys.stdin.isatty()
        if interactive:
            door.say("[console] community-bot console: type /help, or :as, :join, :click, :advance, :now")
        while True:
            line = await asyncio.to_thread(read_line, interactive, door.user)
            if line is None:
                break
            await door.handle_line(line)


def read_line(interactive: bool, user: str) -> str | None:
    try:
        return input(f"{user}> ") if interactive else _read_stdin()
    except EOFError:
        return None


def _read_stdin() -> str | None:
    line = sys.stdin.readline()
    return line if line else None
