"""Memory and start-up: `community-bot run` (a real process) with Slack (Socket Mode) and Discord connected
to the fakes and 10,000 members in the database; resident size once ready, and the time to get there."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import machine, row
from bench.procs import bot_env, rss_mb, spawn, stop
from bot.core.model import Actor
from bot.store import members as member_sql
from bot.store.db import Store
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import FakeSlack

MEMBERS = 10_000
RSS_GOAL_MB = 150.0
SETTLE_S = 3.0


async def fill(db: Path, members: int) -> None:
    """Half the members on Slack, half on Discord (as the doors would record them)."""
    now = datetime.now(UTC)
    async with Store(str(db)) as store, store.transaction() as conn:
        for i in range(members):
            platform, user = ("slack", f"U{i:08d}") if i % 2 else ("discord", f"9{i:017d}")
            await member_sql.upsert(conn, Actor(platform, user, f"Member {i}"), now)


async def until_ready(process: asyncio.subprocess.Process, doors: int, limit_s: float = 60.0) -> list[str]:
    """Read the child's log until every door said it is ready."""
    assert process.stderr is not None
    lines: list[str] = []
    async with asyncio.timeout(limit_s):
        while sum("door ready" in line for line in lines) < doors:
            raw = await process.stderr.readline()
            if not raw:
                raise RuntimeError("the bot stopped before it was ready:\n" + "".join(lines[-20:]))
            lines.append(raw.decode(errors="replace"))
    return lines


async def drain(process: asyncio.subprocess.Process) -> None:
    assert process.stderr is not None
    while await process.stderr.readline():
        pass


async def measure(members: int) -> dict[str, Any]:
    discord = await FakeDiscord().start()
    try:
        async with FakeSlack() as slack:
            with tempfile.TemporaryDirectory() as tmp:
                db = Path(tmp) / "bench.db"
                await fill(db, members)
                env = bot_env(db, SLACK_BOT_TOKEN="xoxb-bench", SLACK_APP_TOKEN="xapp-bench",
                              SLACK_API_URL=slack.api_url, SLACK_CHANNELS="announcements=C100",
                              DISCORD_TOKEN="fake-token", DISCORD_API_URL=discord.api_url,
                              DISCORD_GATEWAY_URL=discord.gateway_url, DISCORD_CHANNELS="announcements=1300")
                start = time.perf_counter()
                bot = await spawn("-m", "bot", "--env-file", str(Path(tmp) / "none"), "run", env=env)
                reader: asyncio.Task[None] | None = None
                try:
                    await until_ready(bot, 2)
                    ready_s = time.perf_counter() - start
                    rss_ready = rss_mb(bot.pid)
                    reader = asyncio.create_task(drain(bot))
                    await asyncio.sleep(SETTLE_S)
                    rss_later = rss_mb(bot.pid)
                finally:
                    await stop(bot)
                    if reader is not None:
                        reader.cancel()
                        with contextlib.suppress(asyncio.CancelledError):
                            await reader
    finally:
        await discord.close()
    return {"members": members, "ready_seconds": round(ready_s, 2), "rss_ready_mb": round(rss_ready, 1),
            "rss_after_settle_mb": round(rss_later, 1), "settle_seconds": SETTLE_S}


def rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rss = max(result["rss_ready_mb"], result["rss_after_settle_mb"])
    return [
        row(f"`community-bot run`, both doors, {result['members']:,} members: RSS", rss, "MB",
            f"< {RSS_GOAL_MB:g}", rss < RSS_GOAL_MB),
        row("`community-bot run`: start to both doors ready", result["ready_seconds"], "s", "", None),
    ]


def run(quick: bool = False) -> dict[str, Any]:
    """RSS and start-up time of the real process (the member count is the same in quick mode)."""
    result = asyncio.run(measure(MEMBERS))
    return {"benchmark": "memory", **machine(), **result, "rows": rows(result)}


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
