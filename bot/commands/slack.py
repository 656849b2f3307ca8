"""`community-bot slack [--port N]`: the bot on Slack (Socket Mode with SLACK_APP_TOKEN, else HTTP mode)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from dataclasses import replace

from bot.app import lifespan
from bot.core.i18n import Catalogs
from bot.settings import Settings, SettingsError
from bot.store.db import StoreError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("slack", help="run the bot on Slack")
    parser.add_argument("--port", type=int, help="HTTP mode port (default: SLACK_PORT or 3000)")
    parser.add_argument("--db", help="database file (default: BOT_DB)")
    parser.add_argument("--manifest", action="store_true", help="print the Slack app manifest and exit")
    parser.add_argument("--url", help="with --manifest: the public https://…/slack/events URL (HTTP mode)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.db:
        settings = replace(settings, db_path=args.db)
    if args.manifest:
        from bot.platforms.slack.manifest import manifest
        from handlers import all_routes

        sys.stdout.write(manifest(all_routes(), Catalogs(), url=args.url))
        return 0
    try:
        asyncio.run(serve(settings, args.port))
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"database error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


async def serve(settings: Settings, port: int | None) -> None:
    """Open the app, start the heartbeat, and run the Slack door until interrupted."""
    from bot.platforms.slack import run_door
    from bot.platforms.slack.door import check_settings

    check_settings(settings)
    async with lifespan(settings=settings) as app:
        app.heartbeat.start()
        door = asyncio.ensure_future(run_door(app, port=port))
        with contextlib.suppress(NotImplementedError):  # a stop signal ends the door cleanly
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, door.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await door
