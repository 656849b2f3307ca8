"""`community-bot discord`: the bot on Discord (real clock, heartbeat, outbox)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from dataclasses import replace

from bot.app import lifespan
from bot.platforms.discord import run_door
from bot.settings import Settings, SettingsError
from bot.store.db import StoreError

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("discord", help="run the bot on Discord (needs DISCORD_TOKEN)")
    parser.add_argument("--db", help="database file (default: BOT_DB or ./community-bot.db)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.db:
        settings = replace(settings, db_path=args.db)
    if not settings.discord_token:
        print("configuration error: DISCORD_TOKEN is required for `community-bot discord` "
              "(see .env.example and the README's Discord section)", file=sys.stderr)
        return 2
    try:
        asyncio.run(serve(settings))
    except StoreError as exc:
        print(f"error: cannot open the database {settings.db_path}: {exc}", file=sys.stderr)
        return 2
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


async def serve(settings: Settings) -> None:
    """Run the Discord door and the heartbeat until SIGINT/SIGTERM."""
    async with lifespan(settings=settings) as app:
        app.heartbeat.start()
        door = asyncio.create_task(run_door(app))
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({door, stopping}, return_when=asyncio.FIRST_COMPLETED)
        for task in (door, stopping):
            task.cancel()
        await asyncio.gather(door, stopping, return_exceptions=True)
        if door.done() and not door.cancelled() and door.exception() is not None:
            raise door.exception()  # type: ignore[misc]
        log.info("discord: stopped")
