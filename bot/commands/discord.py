"""`community-bot discord`: the bot on Discord (real clock, heartbeat, outbox)."""

from __future__ import annotations

import argparse

from bot.commands.options import with_db
from bot.commands.run import discord_door, launch
from bot.settings import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `community-bot discord`."""
    parser = subparsers.add_parser("discord", help="run the bot on Discord (needs DISCORD_TOKEN)")
    parser.add_argument("--db", help="database file (default: BOT_DB or ./community-bot.db)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the Discord door alone."""
    return launch(with_db(args, settings), lambda s: {"discord": discord_door(s)})
