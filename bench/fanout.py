"""Fan-out: one announcement DMed to N members through a rate-limited, failing fake Slack or Discord.

The fake enforces the rate limit (429 + Retry-After beyond it) and answers 5% of requests with a 500
before doing anything. What is modelled, and what is not:
- Slack rates each Web API method separately (tiers), so the fake gives conversations.open and
  chat.postMessage one bucket each at `rate` requests per second. A cold DM costs one conversations.open
  (then the DM channel is remembered) and one chat.postMessage, so the least time the limit allows is
  N / rate. (Real Slack: conversations.open is Tier 3, about 50 per minute; chat.postMessage about 1 per
  second per channel, one channel per DM here. Set SLACK_API_RATE to what your workspace allows.)
- Discord has one global limit per bot (50 requests per second): a cold DM costs POST /users/@me/channels
  and POST /channels/{id}/messages, so the least time is 2N / rate. Per-route buckets are not modelled.
Every member must end with exactly one copy (checked in the fake's stored messages).
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp

from bench.common import machine, row
from bot.app import App, lifespan
from bot.core.clock import RealClock
from bot.core.model import Destination, Reply
from bot.settings import Settings
from bot.store import outbox as outbox_sql
from tests.fakes import discord_payloads as dp
from tests.fakes.discord import FakeDiscord
from tests.fakes.limits import Chaos
from tests.fakes.slack import FakeSlack

if TYPE_CHECKING:
    from bot.platforms.slack.door import SlackDoor

RATE = 50.0
ERROR_RATE = 0.05
TEXT = "The openIMIS community webinar on claims is on Thursday: join us!"
GOAL = 1.15


@asynccontextmanager
async def pooled(door: SlackDoor) -> AsyncIterator[None]:
    """The connection pool `SlackDoor.run` gives its clients for as long as it runs, the only time the outbox
    holds its messenger. Without it (the door built but not run, as here) slack_sdk opens and closes a TCP
    connection for every Web API call, which production never does (README, outbox delivery loop, says what it
    cost)."""
    async with aiohttp.ClientSession() as session:
        door.client.session = door.outbox_client.session = door.sender.session = session
        try:
            yield
        finally:
            door.client.session = door.outbox_client.session = door.sender.session = None


def slack_user(i: int) -> str:
    return f"U{i:07d}"


def discord_user(i: int) -> str:
    return f"9{i:017d}"


async def queue_announcement(app: App, platform: str, users: list[str]) -> float:
    """Queue one DM per member in one transaction, as a feature does; returns seconds taken."""
    start = time.perf_counter()
    async with app.services.store.transaction() as db:
        for user in users:
            await app.services.outbox.enqueue(db, f"bench:announce:{user}", Destination(platform, "dm", user),
                                              Reply(TEXT))
    return time.perf_counter() - start


async def delivered_all(app: App, limit_s: float) -> float:
    """Seconds until the delivery loop has sent (or given up on) everything queued (looked at every 0.1 s)."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit_s:
        async with app.services.store.transaction() as db:
            counts = await outbox_sql.counts(db)
        if not counts.get("pending") and not counts.get("sending"):
            break
        await asyncio.sleep(0.1)
    return time.perf_counter() - start


async def fan_out(platform: str, settings: Settings, users: list[str], register: Callable[[App], Awaitable[Any]],
                  copies: Callable[[str], int], minimum_s: Callable[[], float]) -> dict[str, Any]:
    """Queue the announcement and time the delivery loop sending it; `minimum_s` is the floor the fake's
    limits allowed (asked afterwards: a 429 storm's length is known only then)."""
    async with lifespan(settings=settings, clock=RealClock(), deliver=True) as app:
        closer = await register(app)
        try:
            queued_s = await queue_announcement(app, platform, users)
            wall = await delivered_all(app, limit_s=max(minimum_s() * 6, 120))
        finally:
            if closer is not None:
                await closer()
        async with app.services.store.transaction() as db:
            counts = await outbox_sql.counts(db)
    per_member = [copies(u) for u in users]
    floor = minimum_s()
    return {"members": len(users), "queue_seconds": round(queued_s, 3), "wall_seconds": round(wall, 2),
            "minimum_seconds": round(floor, 2), "ratio": round(wall / floor, 3),
            "exactly_once": sum(c == 1 for c in per_member), "missing": sum(c == 0 for c in per_member),
            "duplicated": sum(c > 1 for c in per_member), "outbox": counts}


async def slack_fanout(members: int, rate: float = RATE, error_rate: float = ERROR_RATE,
                       storm_rate: float = 0.0, db: str | None = None) -> dict[str, Any]:
    from bot.platforms.slack.door import SlackDoor

    chaos = Chaos(rate=rate, burst=10, error_rate=error_rate, storm_rate=storm_rate, whole_storms=True)
    users = [slack_user(i) for i in range(members)]
    async with FakeSlack(chaos, record=False) as slack:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(db_path=db or str(Path(tmp) / "bench.db"), slack_bot_token="xoxb-bench",
                                slack_signing_secret="bench", slack_api_url=slack.api_url,
                                slack_api_rate=rate, slack_api_burst=1)

            async def register(app: App) -> Callable[[], Awaitable[None]]:
                door = SlackDoor(app)
                pool = pooled(door)
                await pool.__aenter__()
                app.services.outbox.register(door.messenger)

                async def close() -> None:
                    await app.services.outbox.unregister(door.messenger)
                    await pool.__aexit__(None, None, None)

                return close

            result = await fan_out("slack", settings, users, register, lambda u: len(slack.posted("D" + u)),
                                   lambda: members / rate + chaos.storm_total)
    return {**result, "rate_per_method": rate, "error_rate": error_rate, "refused_429": chaos.refused,
            "injected_500": chaos.errors, "storms": chaos.storms, "storm_seconds": round(chaos.storm_total, 2),
            "model": "one bucket per Web API method"}


async def discord_fanout(members: int, rate: float = RATE, error_rate: float = ERROR_RATE,
                         storm_rate: float = 0.0, db: str | None = None) -> dict[str, Any]:
    from bot.platforms.discord.messenger import DiscordMessenger

    chaos = Chaos(rate=rate, burst=10, error_rate=error_rate, storm_rate=storm_rate)
    users = [discord_user(i) for i in range(members)]
    fake = await FakeDiscord(chaos=chaos, record=False, token="bench").start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(db_path=db or str(Path(tmp) / "bench.db"), discord_token="bench",
                                discord_api_url=fake.api_url, discord_api_rate=rate, discord_api_burst=1)

            async def register(app: App) -> Callable[[], Awaitable[None]]:
                messenger = DiscordMessenger("bench", fake.api_url, {}, rate=rate, burst=1)
                await messenger.start()
                app.services.outbox.register(messenger)
                return messenger.close

            result = await fan_out("discord", settings, users, register,
                                   lambda u: len(fake.created.get(dp.dm_channel_id(u), [])),
                                   lambda: 2 * members / rate + chaos.storm_total)
    finally:
        await fake.close()
    return {**result, "global_rate": rate, "error_rate": error_rate, "refused_429": chaos.refused,
            "injected_500": chaos.errors, "storms": chaos.storms, "storm_seconds": round(chaos.storm_total, 2),
            "model": "one global bucket, 2 requests per cold DM"}


def rows(name: str, result: dict[str, Any]) -> list[dict[str, Any]]:
    n = result["members"]
    return [
        row(f"{name} fan-out to {n:,}: wall / minimum", result["ratio"], "x", f"<= {GOAL}", result["ratio"] <= GOAL),
        row(f"{name} fan-out: wall time (minimum {result['minimum_seconds']} s)", result["wall_seconds"], "s",
            "", None),
        row(f"{name} fan-out: members with exactly one copy", result["exactly_once"], f"of {n}", f"= {n}",
            result["exactly_once"] == n),
    ]


def run_platform(name: str, quick: bool = False) -> dict[str, Any]:
    logging.getLogger("bot").setLevel(logging.WARNING)
    members = 500 if quick else 5000
    measure = slack_fanout if name == "slack" else discord_fanout
    result = asyncio.run(measure(members))
    return {"benchmark": f"fanout_{name}", **machine(), **result, "rows": rows(name.capitalize(), result)}


def run_slack(quick: bool = False) -> dict[str, Any]:
    """Slack fan-out (5,000 members, or 500 with quick)."""
    return run_platform("slack", quick)


def run_discord(quick: bool = False) -> dict[str, Any]:
    """Discord fan-out (5,000 members, or 500 with quick)."""
    return run_platform("discord", quick)


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run_platform(sys.argv[1] if len(sys.argv) > 1 else "slack", quick=True), indent=2))
