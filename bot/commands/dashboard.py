"""`community-bot dashboard [--port N] [--db PATH]`: the admin dashboard alone (no chat door);
`--login-link` prints a one-time sign-in link for the operator."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from dataclasses import replace

from bot.app import lifespan
from bot.commands.digest import open_services
from bot.commands.options import with_db
from bot.dashboard.auth import Auth
from bot.settings import Settings, SettingsError
from bot.store.db import StoreError
from handlers.dashboard import base_url

DEFAULT_PORT = 8080


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `community-bot dashboard`."""
    parser = subparsers.add_parser("dashboard", help="serve the admin dashboard (or print a sign-in link)")
    parser.add_argument("--port", type=int, help=f"port (default: BOT_HTTP_PORT or {DEFAULT_PORT})")
    parser.add_argument("--db", help="database file or URL (default: BOT_DB)")
    parser.add_argument("--login-link", action="store_true", help="print a one-time sign-in link (10 minutes)")
    parser.set_defaults(run=run)


async def login_link(settings: Settings) -> str:
    """A one-time sign-in link for the operator (no member account needed)."""
    async with open_services(settings) as services:
        token = await Auth(services).operator_link()
    return f"{base_url(settings)}/dashboard/login?token={token}"


async def serve(settings: Settings) -> None:
    """Serve the dashboard until SIGINT or SIGTERM."""
    async with lifespan(settings=settings) as app:
        await app.web.listen(settings.http_host, settings.http_port or DEFAULT_PORT)
        print(f"dashboard: {app.web.url('/dashboard/')} (sign in with --login-link or /dashboard)", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        await stop.wait()


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Serve the dashboard, or print a sign-in link with --login-link."""
    settings = with_db(args, settings)
    if args.port is not None:
        settings = replace(settings, http_port=args.port)
    if not settings.dashboard_secret:
        print("configuration error: BOT_DASHBOARD_SECRET is required for the dashboard (see .env.example)",
              file=sys.stderr)
        return 2
    try:
        if args.login_link:
            print(asyncio.run(login_link(replace(settings, http_port=settings.http_port or DEFAULT_PORT))))
        else:
            asyncio.run(serve(settings))
    except (StoreError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot listen on port {settings.http_port or DEFAULT_PORT}: {exc.strerror}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0
