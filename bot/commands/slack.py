"""`community-bot slack [--port N]`: the bot on Slack (Socket Mode with SLACK_APP_TOKEN, else HTTP mode)."""

from __future__ import annotations

import argparse
import sys

from bot.commands.options import with_db
from bot.commands.run import launch, slack_door
from bot.core.i18n import Catalogs
from bot.settings import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `community-bot slack`."""
    parser = subparsers.add_parser("slack", help="run the bot on Slack")
    parser.add_argument("--port", type=int, help="HTTP mode port (default: SLACK_PORT or 3000)")
    parser.add_argument("--db", help="database file (default: BOT_DB)")
    parser.add_argument("--manifest", action="store_true", help="print the Slack app manifest and exit")
    parser.add_argument("--url", help="with --manifest: the public https://…/slack/events URL (HTTP mode)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the Slack door, or print the app manifest with --manifest."""
    settings = with_db(args, settings)
    if args.manifest:
        from bot.platforms.slack.manifest import manifest
        from handlers import all_routes

        sys.stdout.write(manifest(all_routes(), Catalogs(), url=args.url))
        return 0
    return launch(settings, lambda s: {"slack": slack_door(s, args.port)})
