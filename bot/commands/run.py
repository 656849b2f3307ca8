"""Running the bot on chat platforms: `community-bot run` (every configured door in one process
sharing one database), and the machinery `community-bot slack` / `community-bot discord` share."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from bot.app import App, lifespan
from bot.commands.options import with_db
from bot.core.i18n import Catalogs
from bot.settings import Settings, SettingsError, StartupError
from bot.store.db import StoreError
from bot.store.dialect import redact

log = logging.getLogger(__name__)
DoorRunner = Callable[[App, asyncio.Event], Coroutine[Any, Any, None]]
DoorPicker = Callable[[Settings], dict[str, DoorRunner]]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `community-bot run`."""
    parser = subparsers.add_parser("run", help="run every configured door (Slack, Discord) in one process")
    parser.add_argument("--port", type=int, help="Slack HTTP mode port (when SLACK_APP_TOKEN is not set)")
    parser.add_argument("--db", help="database file (default: BOT_DB)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run every configured door in this process."""
    return launch(with_db(args, settings), lambda s: configured_doors(s, args.port))


def launch(settings: Settings, pick: DoorPicker) -> int:
    """Run the picked doors until SIGINT/SIGTERM; configuration and database problems become exit code 2."""
    try:
        asyncio.run(serve(settings, pick(settings)))
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except StartupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        path = redact(settings.db_path)
        print(Catalogs().t(settings.default_locale, "errors.database_open", path=path), file=sys.stderr)
        print(f"({exc})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


def slack_door(settings: Settings, port: int | None) -> DoorRunner:
    """The Slack door's runner; its settings are checked now."""
    from bot.platforms.slack import run_door
    from bot.platforms.slack.door import check_settings

    check_settings(settings)
    return lambda app, ready: run_door(app, port=port, ready=ready)


def discord_door(settings: Settings) -> DoorRunner:
    """The Discord door's runner; SettingsError without DISCORD_TOKEN."""
    from bot.platforms.discord import run_door

    if not settings.discord_token:
        raise SettingsError("DISCORD_TOKEN is required for the Discord door (see .env.example and the README)")
    return lambda app, ready: run_door(app, ready=ready)


def configured_doors(settings: Settings, port: int | None) -> dict[str, DoorRunner]:
    """The doors with credentials."""
    doors: dict[str, DoorRunner] = {}
    if settings.slack_bot_token:
        doors["slack"] = slack_door(settings, port)
    if settings.discord_token:
        doors["discord"] = discord_door(settings)
    if not doors:
        raise SettingsError("set SLACK_BOT_TOKEN and/or DISCORD_TOKEN (see .env.example); "
                            "`community-bot console` needs neither")
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


async def start_http(app: App) -> None:
    """With BOT_HTTP_PORT, the HTTP server (dashboard, feeds, Slack HTTP mode) listens from the start."""
    settings = app.services.settings
    if settings.http_port is None:
        return
    if settings.http_port < 0 or settings.http_port > 65535:
        raise SettingsError(f"BOT_HTTP_PORT must be a port number (0-65535), got {settings.http_port}")
    try:
        await app.web.listen(settings.http_host, settings.http_port)
    except OSError as exc:
        raise SettingsError(f"BOT_HTTP_PORT {settings.http_port}: cannot listen ({exc.strerror})") from None


async def serve(settings: Settings, doors: dict[str, DoorRunner]) -> None:
    """Open the app once (with its delivery loop), start the heartbeat, and run the doors until a stop signal."""
    async with lifespan(settings=settings, deliver=True) as app:
        app.heartbeat.start()
        await start_http(app)
        main = asyncio.ensure_future(run_doors(app, doors))
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):  # not on every platform
                loop.add_signal_handler(sig, main.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await main
        log.info("stopped: %s", ", ".join(doors))
