"""Two real bot processes (`community-bot run`: the Slack door and the Discord door, each against its fake)
on one database, in the middle of a channel announcement and a DM fan-out on both platforms.

- An overlapping deploy: the second process starts while the first is sending, takes part, and is stopped
  (SIGTERM): every member and every channel has exactly one copy.
- SIGKILL of either process while both hold messages: the other takes the killed one's messages back once
  their lease expires (looking each up on the platform first) and finishes: still exactly one copy each.

The fakes wait a little between keeping a message and answering, so a kill lands on messages the platform
has but the database does not know were sent. Slack channel posts are delivered before the kill: a Slack
channel post left in doubt is not looked up (README, Reliability), so it is outside what a kill may hit.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.core.clock import RealClock
from bot.core.model import Destination, Reply
from bot.services.outbox import Outbox
from bot.store.db import Store
from tests.fakes import discord_payloads as dp
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import FakeSlack

ROOT = Path(__file__).resolve().parents[1]
MEMBERS = 60
SLACK_CHANNEL = "C100"
DISCORD_CHANNEL = "900000000000007300"
WAIT = 120.0  # generous: the machine may be busy; every wait is for an event


def slack_users() -> list[str]:
    return [f"U{i:05d}" for i in range(MEMBERS)]


def discord_users() -> list[str]:
    return [f"90000000000000{i:04d}" for i in range(MEMBERS)]


@dataclass
class Fakes:
    slack: FakeSlack
    discord: FakeDiscord

    def copies(self) -> dict[str, int]:
        """Copies received per destination: each member's DM and each platform's channel."""
        found = {f"slack:{u}": len(self.slack.posted("D" + u)) for u in slack_users()}
        found |= {f"discord:{u}": len(self.discord.created.get(dp.dm_channel_id(u), [])) for u in discord_users()}
        found["slack:#announcements"] = len(self.slack.posted(SLACK_CHANNEL))
        found["discord:#announcements"] = len(self.discord.created.get(DISCORD_CHANNEL, []))
        return found

    def delivered(self) -> int:
        return sum(1 for n in self.copies().values() if n)


@asynccontextmanager
async def fakes() -> AsyncIterator[Fakes]:
    discord = await FakeDiscord().start()
    discord.post_delay = 0.05
    try:
        async with FakeSlack() as slack:
            slack.post_delay = 0.05
            yield Fakes(slack, discord)
    finally:
        await discord.close()


class Bot:
    """`community-bot run` as a child process, its log in a file."""

    def __init__(self, name: str, folder: Path, fake: Fakes) -> None:
        self.log = folder / f"{name}.log"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "BOT_"))}
        self.env.update(
            BOT_DB=str(folder / "bot.db"), BOT_LOG_LEVEL="INFO", BOT_HEARTBEAT_SECONDS="3600",
            BOT_OUTBOX_LEASE_SECONDS="2", BOT_OUTBOX_POLL_SECONDS="0.2", BOT_OUTBOX_CONCURRENCY="4",
            SLACK_BOT_TOKEN="xoxb-test", SLACK_APP_TOKEN="xapp-test", SLACK_API_URL=fake.slack.api_url,
            SLACK_CHANNELS=f"announcements={SLACK_CHANNEL}", SLACK_API_RATE="2", SLACK_API_BURST="1",
            DISCORD_TOKEN="fake-token", DISCORD_API_URL=fake.discord.api_url,
            DISCORD_GATEWAY_URL=fake.discord.gateway_url, DISCORD_CHANNELS=f"announcements={DISCORD_CHANNEL}",
            DISCORD_API_RATE="4", DISCORD_API_BURST="1")
        self.folder = folder
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> Bot:
        with self.log.open("ab") as err:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "--env-file", str(self.folder / "none.env"), "run", cwd=ROOT,
                env=self.env, stdout=asyncio.subprocess.DEVNULL, stderr=err)
        await until(lambda: self.log.read_text(errors="replace").count("door ready") >= 2, self)
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        async with asyncio.timeout(WAIT):
            return await self.process.wait()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


async def until(condition: Callable[[], bool], *bots: Bot, step: float = 0.05) -> None:
    """Wait for `condition` (at most WAIT seconds); a bot that exits meanwhile fails the test with its log."""
    for _ in range(int(WAIT / step)):
        if condition():
            return
        for bot in bots:
            if bot.process is not None and bot.process.returncode is not None:
                raise AssertionError(f"{bot.log.name} exited with {bot.process.returncode}:\n{bot.tail()}")
        await asyncio.sleep(step)
    raise TimeoutError("never happened: " + "; ".join(b.tail()[-500:] for b in bots))


async def queue(db: Path, kind: str) -> None:
    """Queue, in one transaction, the announcement's channel posts or its DMs on both platforms."""
    async with Store(str(db)) as store:
        outbox = Outbox(store, RealClock())
        async with store.transaction() as conn:
            for platform, users in (("slack", slack_users()), ("discord", discord_users())):
                targets = ["announcements"] if kind == "channel" else users
                for target in targets:
                    await outbox.enqueue(conn, f"webinar:7:{kind}:{platform}:{target}",
                                         Destination(platform, kind, target),
                                         Reply("The claims webinar is on Thursday at 14:00 UTC."))


async def leased_to(db: Path, bot: Bot) -> int:
    async with Store(str(db)) as store:
        rows = await store.fetch_all("SELECT COUNT(*) FROM outbox WHERE status = 'sending' AND lease_owner LIKE ?",
                                     (f"%:{bot.pid}:%",))
    return int(rows[0][0])


async def statuses(db: Path) -> dict[str, int]:
    async with Store(str(db)) as store:
        rows = await store.fetch_all("SELECT status, COUNT(*) FROM outbox GROUP BY status")
    return {r[0]: r[1] for r in rows}


async def both_sending(db: Path, first: Bot, second: Bot) -> None:
    """Until each process holds at least one message."""
    for _ in range(int(WAIT / 0.05)):
        if await leased_to(db, first) and await leased_to(db, second):
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"both processes never held messages at once:\n{first.tail()}\n{second.tail()}")


async def channel_posts_recorded(db: Path) -> None:
    """Until both channel posts are recorded as sent."""
    for _ in range(int(WAIT / 0.05)):
        async with Store(str(db)) as store:
            rows = await store.fetch_all("SELECT COUNT(*) FROM outbox WHERE kind = 'channel' AND status = 'sent'")
        if rows[0][0] == 2:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("the channel posts were never recorded as sent")


def assert_exactly_once(fake: Fakes) -> None:
    copies = fake.copies()
    assert len(copies) == 2 * MEMBERS + 2
    assert {k: n for k, n in copies.items() if n != 1} == {}


async def test_a_second_process_started_and_stopped_mid_fanout_sends_nothing_twice(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    async with fakes() as fake:
        first = await Bot("first", tmp_path, fake).start()
        second = Bot("second", tmp_path, fake)
        try:
            await queue(db, "channel")
            await queue(db, "dm")
            await until(lambda: fake.delivered() >= 10, first)
            await second.start()
            await both_sending(db, first, second)
            assert fake.delivered() < 2 * MEMBERS + 2, "the fan-out ended before the second process took part"
            assert await second.stop() == 0, second.tail()
            await until(lambda: fake.delivered() == 2 * MEMBERS + 2, first)
            assert await statuses_settled(db), await statuses(db)
        finally:
            for bot in (first, second):
                if bot.process is not None and bot.process.returncode is None:
                    await bot.stop(signal.SIGKILL)
        assert_exactly_once(fake)


async def statuses_settled(db: Path) -> bool:
    """Every row recorded as sent (waits for the last writes)."""
    for _ in range(int(WAIT / 0.1)):
        if await statuses(db) == {"sent": 2 * MEMBERS + 2}:
            return True
        await asyncio.sleep(0.1)
    return False


@pytest.mark.parametrize("killed", ["first", "second"])
async def test_sigkill_of_either_process_the_other_finishes_once_the_lease_expires(tmp_path: Path,
                                                                                  killed: str) -> None:
    db = tmp_path / "bot.db"
    async with fakes() as fake:
        first = await Bot("first", tmp_path, fake).start()
        second = await Bot("second", tmp_path, fake).start()
        try:
            await queue(db, "channel")
            await channel_posts_recorded(db)
            await queue(db, "dm")
            await both_sending(db, first, second)
            victim, survivor = (first, second) if killed == "first" else (second, first)
            assert await victim.stop(signal.SIGKILL) == -signal.SIGKILL
            assert await leased_to(db, victim), "the killed process held messages"
            assert fake.delivered() < 2 * MEMBERS + 2, "the fan-out ended before the kill"
            await until(lambda: fake.delivered() == 2 * MEMBERS + 2, survivor)
            assert await statuses_settled(db), await statuses(db)
            assert "sender stopped renewing its lease" in survivor.tail()
        finally:
            for bot in (first, second):
                if bot.process is not None and bot.process.returncode is None:
                    await bot.stop(signal.SIGKILL)
        assert_exactly_once(fake)
