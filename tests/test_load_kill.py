"""SIGKILL in the middle of a fan-out, then a restart: every member gets the announcement exactly once.

The delivering process is a real child process, killed with SIGKILL while messages are in flight; the
fake platform (in this process) survives it, as Slack or Discord would. The fake waits a little between
keeping a message and answering, so the kill lands on messages the platform has but the database does
not know were sent: those are "in doubt" at the restart. Slack: the door finds the outbox key in the
message metadata (conversations.history). Discord: the resend carries the same nonce with enforce_nonce,
and Discord returns the message it already has.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.core.clock import RealClock
from bot.core.model import Destination, Reply
from bot.services.outbox import Outbox
from bot.store.db import Store
from tests.fakes import discord_payloads as dp
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import FakeSlack

ROOT = Path(__file__).resolve().parents[1]
MEMBERS = 200
WAIT = 60


def users_of(platform: str) -> list[str]:
    return [f"U{i:05d}" if platform == "slack" else f"90000000000000{i:04d}" for i in range(MEMBERS)]


@asynccontextmanager
async def platform_fake(platform: str) -> AsyncIterator[tuple[str, Callable[[str], int], Any]]:
    """(api url, copies received by a user, wait(condition)) with a 50 ms pause before each post is answered."""
    if platform == "slack":
        async with FakeSlack() as slack:
            slack.post_delay = 0.05
            yield slack.api_url, lambda user: len(slack.posted("D" + user)), lambda c: slack.wait_for(lambda _: c())
        return
    discord = await FakeDiscord().start()
    discord.post_delay = 0.05
    try:
        yield (discord.api_url, lambda user: len(discord.created.get(dp.dm_channel_id(user), [])),
               discord.wait_until)
    finally:
        await discord.close()


async def queue(db: Path, platform: str) -> None:
    async with Store(str(db)) as store:
        outbox = Outbox(store, RealClock())
        async with store.transaction() as conn:
            for user in users_of(platform):
                await outbox.enqueue(conn, f"webinar:7:announce:{user}", Destination(platform, "dm", user),
                                     Reply("The claims webinar is on Thursday at 14:00 UTC."))


async def child(platform: str, db: Path, api_url: str, log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as err:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.fakes.outbox_child", platform, str(db), api_url, cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=err)


async def rows_by_status(db: Path) -> dict[str, list[str]]:
    async with Store(str(db)) as store:
        rows = await store.fetch_all("SELECT status, target FROM outbox")
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["status"], []).append(row["target"])
    return found


@pytest.mark.parametrize("platform", ["slack", "discord"])
async def test_sigkill_mid_fanout_then_restart_delivers_each_message_exactly_once(tmp_path: Path,
                                                                                 platform: str) -> None:
    db, log = tmp_path / "bot.db", tmp_path / "child.log"
    await queue(db, platform)
    users = users_of(platform)
    async with platform_fake(platform) as (api_url, copies, wait):
        first = await child(platform, db, api_url, log)
        async with asyncio.timeout(WAIT):
            await wait(lambda: sum(copies(u) for u in users) >= MEMBERS // 3)
        first.send_signal(signal.SIGKILL)
        assert await first.wait() == -signal.SIGKILL
        before = await rows_by_status(db)
        in_doubt = before.get("sending", [])
        assert in_doubt, "the kill should leave messages mid-send"
        assert any(copies(u) for u in in_doubt), "some in-doubt messages had reached the platform"
        assert before.get("pending"), "the kill should come before the end of the fan-out"

        second = await child(platform, db, api_url, log)
        async with asyncio.timeout(WAIT):
            out, _ = await second.communicate()
        assert second.returncode == 0, log.read_text()[-3000:]
        assert b"done" in out
        assert [u for u in users if copies(u) != 1] == []
        after = await rows_by_status(db)
        assert set(after) == {"sent"} and len(after["sent"]) == MEMBERS
