"""`community-bot roles sync`: queue every known member's roles and user groups (DISCORD_ROLES, SLACK_USERGROUPS)
as their profile says, e.g. after configuring them on an existing community; the running bot delivers them."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.commands.digest import open_services
from bot.commands.options import with_db
from bot.services.roles import sync_all
from bot.settings import Settings
from bot.store.db import StoreError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `community-bot roles sync`."""
    parser = subparsers.add_parser("roles", help="Discord roles and Slack user groups from the profiles")
    actions = parser.add_subparsers(dest="action", required=True)
    sync = actions.add_parser("sync", help="queue every known member's roles and groups (the bot delivers them)")
    sync.add_argument("--db", help="database file or URL (default: BOT_DB)")
    parser.set_defaults(run=run)


async def _sync(settings: Settings) -> int:
    async with open_services(settings) as services:
        return await sync_all(services)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Queue every known member's Discord roles and Slack user groups."""
    settings = with_db(args, settings)
    if not settings.discord_roles and not settings.slack_usergroups:
        print("error: neither DISCORD_ROLES nor SLACK_USERGROUPS is set", file=sys.stderr)
        return 2
    try:
        queued = asyncio.run(_sync(settings))
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{queued} update(s) queued; the running bot delivers them through the outbox")
    return 0
