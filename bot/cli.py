"""The `community-bot` command line (also `python -m bot`)."""

from __future__ import annotations

import argparse
import logging
import sys
from importlib.metadata import PackageNotFoundError, version

from bot.commands import console, dashboard, db, digest, discord, faq, feedback, peers, roles, run, slack, webinars
from bot.settings import Settings, SettingsError

SUBCOMMANDS = (console, db, webinars, slack, discord, run, faq, peers, feedback, digest, dashboard, roles)


def build_parser() -> argparse.ArgumentParser:
    """The `community-bot` argument parser, one subcommand per module of bot/commands."""
    parser = argparse.ArgumentParser(prog="community-bot", description="The openIMIS community bot")
    parser.add_argument("--env-file", default=".env", help="optional file of settings (default: .env)")
    parser.add_argument("--version", action="version", version=f"community-bot {installed_version()}")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in SUBCOMMANDS:
        module.register(subparsers)
    return parser


def installed_version() -> str:
    """The installed package's version, or "unknown" in a source tree never installed."""
    try:
        return version("community-bot")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    """Run the chosen subcommand; a settings error is one line on stderr and exit code 2."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env(env_file=args.env_file)
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=getattr(logging, settings.log_level, logging.INFO) if args.command != "console"
                        else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiosqlite").setLevel(logging.INFO)  # its DEBUG lines hold SQL parameters (member ids)
    return int(args.run(args, settings))
