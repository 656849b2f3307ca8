"""Outbox delivery loop: latency of single DMs, and a fan-out through a 429 storm.

python -m bench --only outbox   (or python -m bench.outbox_bench)
- Latency: one DM at a time (N of them), from the call that queues it (its transaction and commit included)
  to the fake platform receiving the request that posts it, through the real messengers against the fake
  Slack and the fake Discord on loopback, pacing off (the token bucket's waits are deliberate, not latency).
  Side by side, the peer: the same DM sent by calling the messenger directly (no outbox), timed the same way.
- 429 storm: a fan-out while the fake, beyond its rate limit (50/s, per method on Slack, global on
  Discord), answers 5% of requests with a 500 and, after 0.5% of the requests it accepts, refuses every
  request for 0.5-2 s (Retry-After: whole seconds on Slack, as Slack sends it). The floor is the rate
  limit's least time plus the seconds the storms refused everything; every member must get one copy.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bench.common import machine, percentile, row
from bench.fanout import GOAL, discord_fanout, pooled, slack_fanout
from bot.app import App, lifespan
from bot.core.clock import RealClock
from bot.core.model import Destination, Reply
from bot.services.outbox import Messenger
from bot.settings import Settings
from tests.fakes import discord_payloads as dp
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import FakeSlack

LATENCY_GOAL_MS = 200.0
STORM_RATE = 0.005
TEXT = "Welcome to the openIMIS community!"
Arrived = Callable[[str], Awaitable[None]]  # wait until the fake has received the DM to this user


@asynccontextmanager
async def slack_app(folder: Path) -> AsyncIterator[tuple[App, Messenger, Arrived, Callable[[int], str]]]:
    from bot.platforms.slack.door import SlackDoor

    async with FakeSlack() as slack:
        settings = Settings(db_path=str(folder / "slack.db"), slack_bot_token="xoxb-bench",
                            slack_signing_secret="bench", slack_api_url=slack.api_url, slack_api_rate=0)
        async with lifespan(settings=settings, clock=RealClock(), deliver=True) as app:
            door = SlackDoor(app)
            messenger = door.messenger
            async with pooled(door):
                app.services.outbox.register(messenger)


                async def arrived(user: str) -> None:
                    await slack.wait_for(lambda s: any(c.args.get("channel") == "D" + user
                                                       for c in s.calls_to("chat.postMessage")))

                yield app, messenger, arrived, lambda i: f"U{i:07d}"
                await app.services.outbox.unregister(messenger)


@asynccontextmanager
async def discord_app(folder: Path) -> AsyncIterator[tuple[App, Messenger, Arrived, Callable[[int], str]]]:
    from bot.platforms.discord.messenger import DiscordMessenger

    fake = await FakeDiscord(token="bench").start()
    try:
        settings = Settings(db_path=str(folder / "discord.db"), discord_token="bench", discord_api_url=fake.api_url)
        async with lifespan(settings=settings, clock=RealClock(), deliver=True) as app:
            messenger = DiscordMessenger("bench", fake.api_url, {}, rate=0)
            await messenger.start()
            app.services.outbox.register(messenger)

            async def arrived(user: str) -> None:
                path = f"/channels/{dp.dm_channel_id(user)}/messages"
                await fake.wait_for(lambda c: c.method == "POST" and c.path == path)

            try:
                yield app, messenger, arrived, lambda i: f"9{i:017d}"
            finally:
                await messenger.close()
    finally:
        await fake.close()


async def timed(start: Callable[[], Awaitable[Any]], arrived: Awaitable[None]) -> float:
    """Milliseconds from calling `start` (queueing in a transaction of its own, commit included; or sending
    directly) to the fake having received the message."""
    waiter = asyncio.ensure_future(arrived)
    began = time.perf_counter()
    await start()
    await waiter
    return (time.perf_counter() - began) * 1000


async def latencies(platform: str, n: int) -> dict[str, Any]:
    opened = slack_app if platform == "slack" else discord_app
    with tempfile.TemporaryDirectory() as folder:
        async with opened(Path(folder)) as (app, messenger, arrived, user_of):
            outbox, through_outbox, direct = app.services.outbox, [], []
            for i in range(n):
                user = user_of(i)

                async def committed(user: str = user, i: int = i) -> None:
                    await outbox.send(f"bench:welcome:{i}", Destination(platform, "dm", user), Reply(TEXT))

                through_outbox.append(await timed(committed, arrived(user)))
            for i in range(n, 2 * n):
                user = user_of(i)

                async def call(user: str = user, i: int = i) -> None:
                    await messenger.send(Destination(platform, "dm", user), Reply(TEXT), f"bench:direct:{i}")

                direct.append(await timed(call, arrived(user)))
    return {"n": n, **summary("outbox", through_outbox), **summary("direct", direct)}


def summary(name: str, samples: list[float]) -> dict[str, float]:
    return {f"{name}_p50_ms": round(percentile(samples, 50), 2), f"{name}_p99_ms": round(percentile(samples, 99), 2),
            f"{name}_max_ms": round(max(samples), 2)}


def latency_rows(platform: str, result: dict[str, Any]) -> list[dict[str, Any]]:
    name = platform.capitalize()
    p99 = result["outbox_p99_ms"]
    return [
        row(f"{name} DM, commit to fake: p50 / p99 (outbox loop)", f"{result['outbox_p50_ms']} / {p99}", "ms",
            f"p99 < {LATENCY_GOAL_MS:g}", p99 < LATENCY_GOAL_MS),
        row(f"{name} DM, call to fake: p50 / p99 (messenger alone)",
            f"{result['direct_p50_ms']} / {result['direct_p99_ms']}", "ms", "", None),
    ]


def storm_rows(platform: str, result: dict[str, Any]) -> list[dict[str, Any]]:
    name, n = platform.capitalize(), result["members"]
    return [
        row(f"{name} 429 storm + 5% 500s, {n:,} members: wall / floor", result["ratio"], "x", f"<= {GOAL}",
            result["ratio"] <= GOAL),
        row(f"{name} 429 storm: {result['storms']} storms ({result['storm_seconds']} s refused), floor "
            f"{result['minimum_seconds']} s", result["wall_seconds"], "s", "", None),
        row(f"{name} 429 storm: members with exactly one copy", result["exactly_once"], f"of {n}", f"= {n}",
            result["exactly_once"] == n),
    ]


def run(quick: bool = False) -> dict[str, Any]:
    """Single-DM latency on both platforms, then a 429 storm fan-out on each."""
    logging.getLogger("bot").setLevel(logging.WARNING)
    n, members = (50, 300) if quick else (200, 2000)
    result: dict[str, Any] = {"benchmark": "outbox", **machine()}
    rows: list[dict[str, Any]] = []
    for platform in ("slack", "discord"):
        measured = asyncio.run(latencies(platform, n))
        result[f"latency_{platform}"] = measured
        rows += latency_rows(platform, measured)
    for platform, fan_out in (("slack", slack_fanout), ("discord", discord_fanout)):
        stormed = asyncio.run(fan_out(members, storm_rate=STORM_RATE))
        result[f"storm_{platform}"] = stormed
        rows += storm_rows(platform, stormed)
    return {**result, "rows": rows}


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
