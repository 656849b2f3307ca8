"""Discord door figures against the local fake Discord: interaction answer time and outbox throughput.

python -m bench.discord_latency [--n 200] [--rate 45]
Measures, on loopback (so: the bot's own time, not Discord's network): the time from the gateway
sending INTERACTION_CREATE to the fake receiving the interaction callback, for /help one at a time and
50 at once; and how long the outbox takes to deliver N DMs (DM channel creation + message each).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bot.core.model import Destination, Reply
from tests.fakes import discord_payloads as p
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import app_for, door, door_settings


async def timed_help(fake: FakeDiscord, index: int) -> float:
    who = p.user(str(900000000000100000 + index), f"member{index}")
    started = time.perf_counter()
    await fake.interact(p.slash(who, "help", locale="fr" if index % 2 else "en-US"))
    return (time.perf_counter() - started) * 1000


def summary(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (f"{name}: n={len(values)} p50={statistics.median(values):.1f} ms p95={p95:.1f} ms "
            f"max={ordered[-1]:.1f} ms")


async def main(n: int, rate: float) -> None:
    fake = await FakeDiscord().start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = door_settings(fake, Path(folder) / "bench.db", discord_api_rate=rate)
            async with app_for(settings) as (app, clock), door(app, clock):
                sequential = [await timed_help(fake, i) for i in range(n)]
                print(summary("/help answered, one at a time", sequential))
                concurrent = await asyncio.gather(*(timed_help(fake, n + i) for i in range(50)))
                print(summary("/help answered, 50 at once", list(concurrent)))
                for i in range(n):
                    dest = Destination("discord", "dm", str(900000000000200000 + i))
                    await app.services.outbox.send(f"bench:{i}", dest, Reply(f"message {i}"))
                started = time.perf_counter()
                sent = await app.services.outbox.deliver_due()
                elapsed = time.perf_counter() - started
                pacing = f"paced at {rate:g} requests/s" if rate > 0 else "unpaced"
                print(f"outbox ({pacing}): {sent} DMs delivered in {elapsed:.2f} s ({sent / elapsed:.0f}/s)")
    finally:
        await fake.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--rate", type=float, default=45.0, help="DISCORD_API_RATE (0: no pacing)")
    args = parser.parse_args()
    asyncio.run(main(args.n, args.rate))
