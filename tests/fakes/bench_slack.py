"""Measure the Slack door against the fake Slack: `python -m tests.fakes.bench_slack [N]`.

For N slash commands (/help) in each mode: time until Slack gets its acknowledgement, and until the
answer reaches the response_url. Everything runs on loopback, so this measures the bot, not Slack.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.core.clock import SimClock
from bot.settings import Settings
from tests.fakes import slack_payloads as p
from tests.fakes.slack_harness import slack_rig


async def measure(mode: str, count: int, folder: Path) -> tuple[list[float], list[float]]:
    acks: list[float] = []
    answers: list[float] = []
    async with slack_rig(Settings(db_path=str(folder / f"{mode}.db")), SimClock(), mode) as rig:
        for index in range(count):
            started = time.perf_counter()
            await rig.side.command(p.command(rig.slack, "help"))
            acks.append(time.perf_counter() - started)
            await rig.slack.wait_call("response_url", index + 1)
            answers.append(time.perf_counter() - started)
    return acks, answers


async def burst(mode: str, count: int, folder: Path) -> tuple[list[float], float]:
    """`count` members send /help at the same moment: each one's ack time, and until all are answered."""
    users = tuple((f"U{i:04d}", f"M{i}", "en-US") for i in range(count))
    async with slack_rig(Settings(db_path=str(folder / f"burst-{mode}.db")), SimClock(), mode, users=users) as rig:
        started = time.perf_counter()

        async def one(user: str) -> float:
            await rig.side.command(p.command(rig.slack, "help", user=user, channel=f"D{user}"))
            return time.perf_counter() - started

        acks = await asyncio.gather(*(one(u) for u, _, _ in users))
        await rig.slack.wait_call("response_url", count)
        return list(acks), time.perf_counter() - started


def summary(label: str, values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    p95 = ms[max(0, int(len(ms) * 0.95) - 1)]
    return f"{label}: median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms"


async def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for mode in ("http", "socket"):
            acks, answers = await measure(mode, count, Path(folder))
            print(f"{mode} mode, {count} x /help")
            print("  " + summary("acknowledged", acks))
            print("  " + summary("answered", answers))
            acks, total = await burst(mode, count // 2, Path(folder))
            print(f"{mode} mode, {count // 2} members at once: all answered in {total * 1000:.0f} ms")
            print("  " + summary("acknowledged", acks))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
