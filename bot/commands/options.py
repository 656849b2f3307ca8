"""Options several subcommands share."""

from __future__ import annotations

import argparse
from dataclasses import replace

from bot.settings import Settings


def with_db(args: argparse.Namespace, settings: Settings) -> Settings:
    """The settings with `--db PATH` applied when it was given."""
    return replace(settings, db_path=args.db) if getattr(args, "db", None) else settings
