"""`community-bot run`: every configured door (Slack, Discord) in one process sharing one database."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any

from bot.app import App, lifespan
from bot.settings import Settings, SettingsError
from bot.store.db import StoreError

log = logging.getLogger(__name__)
DoorRunner = Callable[[App, asyncio.Event], Coroutine[Any, Any, None]]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("run", help="run every configured door (Slack, Discord) in one process")
    parser.add_argument("--port", type=int, help="Slack HTTP mode port (when SLACK_APP_TOKEN is not set)")
    parser.add_argument("--db", help="database file (default: BOT_DB)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.db:
        settings = replace(settings, db_path=args.db)
    if not settings.configured_platforms:
        print("configuration error: set SLACK_BOT_TOKEN and/or DISCORD_TOKEN (see .env.example); "
              "`community-bot console` needs neither", file=sys.stderr)
        return 2
    try:
        asyncio.run(serve(settings, args.port))
    except (SettingsError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


def configured_doors(settings: Settings, port: int | None) -> dict[str, DoorRunner]:
    """The doors with credentials, each as `runner(app, ready)`."""
    doors: dict[str, DoorRunner] = {}
    if settings.slack_bot_token:
        from bot.platforms.slack import run_door as run_slack
        from bot.platforms.slack.door import check_settings

        check_settings(settings)
        doors["slack"] = lambda app, ready: run_slack(app, port=port, ready=ready)
    if settings.discord_token:
        from bot.platforms.discord import run_door as run_discord

        doors["discord"] = lambda app, ready: run_discord(app, ready=ready)
    return doors


async def run_doors(app: App, doors: dict[str, DoorRunner], ready: asyncio.Event | None = None) -> None:
    """Run the doors side by side until cancelled; `ready` is set once every door is ready."""
    events = {name: asyncio.Event() for name in doors}
    tasks = [asyncio.create_task(runner(app, events[name]), name=f"door-{name}") for name, runner in doors.items()]
    watcher = asyncio.create_task(_all_ready(events, ready))
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            task.result()  # a door that stopped on its own: say why
    finally:
        for task in [*tasks, watcher]:
            task.cancel()
        await asyncio.gather(*tasks, watcher, return_exceptions=True)


async def _all_ready(events: dict[str, asyncio.Event], ready: asyncio.Event | None) -> None:
    for name, event in events.items():
        await event.wait()
        log.info("%s door ready", name)
    if ready is not None:
        ready.set()


async def serve(settings: Settings, port: int | None) -> None:
    """Open the app once, start the heartbeat, and run every configured door until stopped."""
    doors = configured_doors(settings, port)
    async with lifespan(settings=settings) as app:
        app.heartbeat.start()
        main = asyncio.ensure_future(run_doors(app, doors))
        with contextlib.suppress(NotImplementedError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await main
