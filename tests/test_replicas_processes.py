"""Two `community-bot run` processes on one PostgreSQL database, against the fake Slack and Discord: a member
joining, a webinar announced with reminders to 500 members, a peers round for 100 of them; every message
goes out exactly once. The replica running the due jobs is killed with SIGKILL in the middle of the
reminders' fan-out: the other one takes back the rows the dead one held, takes the lead, runs the peers
round that falls due after the kill, and finishes everything.

The 500 members and their profiles are written in the database before the replicas start (as if they had
joined long ago), their "Going" answers once the webinar exists (as 500 button presses would), and 100
peer-matching sign-ups (a week old, so a round is due at once) after the kill. Everything else goes through
the replicas: Discord events reach both (same token), Slack HTTP requests reach one (the test plays the load
balancer) and Slack's retry the other.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.core.model import Actor
from bot.platforms.discord.messenger import nonce_for
from bot.store import members as member_sql
from bot.store import peers as peers_sql
from bot.store import profiles as profile_sql
from bot.store import webinars as webinar_sql
from bot.store.pg import PgStore
from handlers import all_routes
from tests.fakes import discord_payloads as p
from tests.fakes import slack_payloads as sp
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import typed
from tests.fakes.slack import FakeSlack

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[1]
MEMBERS = 500
PEERS = MEMBERS // 5
ADMIN = p.user("900000000000009001", "Ana")
NEWCOMER = p.user("900000000000009002", "Awa")
SLACK_NEWCOMER = "UNEW00001"
DISCORD_ANNOUNCEMENTS = "900000000000009300"
TITLE = "Replica call"
DEADLINE = 150.0  # seconds for the whole scenario (the reminder comes at the next minute boundary)


def slack_user(i: int) -> str:
    return f"U{i:08d}"


def discord_user(i: int) -> str:
    return f"91{i:016d}"


class Replica:
    """One `community-bot run` process; its log is read as it comes (and kept in a file)."""

    def __init__(self, name: str, process: asyncio.subprocess.Process, log: Path) -> None:
        self.name, self.process, self.log = name, process, log
        self.lines: list[str] = []
        self.changed = asyncio.Event()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process.stderr is not None
        with self.log.open("a", encoding="utf-8") as out:
            while line := (await self.process.stderr.readline()).decode(errors="replace"):
                out.write(line)
                self.lines.append(line)
                self.changed.set()

    def said(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    async def wait_log(self, text: str) -> str:
        while not self.said(text):
            self.changed.clear()
            if self.reader.done():
                raise AssertionError(f"{self.name} ended before logging {text!r}:\n{''.join(self.lines)[-3000:]}")
            await self.changed.wait()
        return next(line for line in self.lines if text in line)


async def start_replica(name: str, env: dict[str, str], tmp_path: Path) -> Replica:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--port", "0", env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE)
    return Replica(name, process, tmp_path / f"{name}.log")


async def until(condition: Callable[[], bool], what: str, within: float) -> None:
    """Wait for a condition on the fakes (checked as they answer requests)."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def seed(url: str, now: datetime) -> list[int]:
    """500 members (half on Slack, half on Discord) with complete profiles."""
    ids = []
    async with PgStore(url) as store, store.transaction() as db:
        for i in range(MEMBERS):
            platform, user = ("slack", slack_user(i)) if i % 2 == 0 else ("discord", discord_user(i))
            member = await member_sql.upsert(db, Actor(platform, user, f"Member {i}", platform_locale="en-US"), now)
            await profile_sql.save(db, profile_sql.Profile(
                member.id, stage="pilot", languages=("en",), country=("TZ", "CM", "NP")[i % 3],
                interests=(("claims",), ("enrolment",))[i % 2]), now)
            ids.append(member.id)
    return ids


async def sign_up_for_peers(url: str, member_ids: list[int], now: datetime) -> None:
    """One member in five took part in peer matching a week ago: a round is due at once."""
    async with PgStore(url) as store, store.transaction() as db:
        for member_id in member_ids[::5]:
            profile = await profile_sql.get(db, member_id)
            await profile_sql.save(db, profile.with_changes(peer_consent=True), now)
            await peers_sql.join(db, member_id, False, now - timedelta(days=8))


async def answer_going(url: str, member_ids: list[int], now: datetime) -> int:
    async with PgStore(url) as store, store.transaction() as db:
        [webinar] = await webinar_sql.scheduled(db)
        for member_id in member_ids:
            await webinar_sql.set_rsvp(db, webinar.id, member_id, "going", now)
    return webinar.id


def replica_env(url: str, slack: FakeSlack, discord: FakeDiscord) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "BOT_DB": url, "BOT_REPLICAS": "2", "BOT_LOG_LEVEL": "INFO",
            "BOT_HEARTBEAT_SECONDS": "1", "BOT_OUTBOX_POLL_SECONDS": "0.2", "BOT_OUTBOX_LEASE_SECONDS": "2",
            "BOT_OUTBOX_BASE_DELAY_SECONDS": "1", "BOT_ADMINS": f"discord:{ADMIN['id']}", "WEBINAR_REMINDERS": "1m",
            "SLACK_BOT_TOKEN": "xoxb-t", "SLACK_SIGNING_SECRET": sp.SECRET, "SLACK_API_URL": slack.api_url,
            "SLACK_HOST": "127.0.0.1", "SLACK_CHANNELS": "announcements=C100", "SLACK_API_RATE": "40",
            "SLACK_API_BURST": "10", "DISCORD_TOKEN": "fake-token", "DISCORD_API_URL": discord.api_url,
            "DISCORD_GATEWAY_URL": discord.gateway_url, "DISCORD_API_RATE": "80", "DISCORD_API_BURST": "10",
            "DISCORD_CHANNELS": f"announcements={DISCORD_ANNOUNCEMENTS}"}


def buttons_of(data: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in data.get("components", []) for c in row["components"]]


async def create_webinar(discord: FakeDiscord, start: datetime) -> None:
    """The admin's /webinar create, then Confirm, both reaching both replicas; one answers each."""
    spec = (f'create title="{TITLE}" start="{start:%Y-%m-%d %H:%M}" tz=UTC duration=30 lang=en '
            'link=https://meet.example.org/replica')
    payload = typed(all_routes(), ADMIN, "webinar", spec, admin=True)
    await discord.broadcast("INTERACTION_CREATE", payload)
    confirm = await discord.response(payload)
    [confirm_id] = [b for b in buttons_of(confirm["data"]) if b.startswith("webinar.confirm|")]
    press = p.press(ADMIN, confirm_id, admin=True)
    await discord.broadcast("INTERACTION_CREATE", press)
    await discord.response(press)


async def slack_join(session: aiohttp.ClientSession, urls: list[str], slack: FakeSlack) -> None:
    """team_join to the first replica; Slack's retry of it (same event id) reaches the second."""
    event = sp.event_callback({"type": "team_join", "user": slack.users[SLACK_NEWCOMER]}, event_id="EvJOIN1")
    body = json.dumps(event)
    for url, retry in zip(urls, ("", "1"), strict=True):
        extra = {"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        headers = {**sp.signed_headers(body, "application/json", timestamp=int(time.time()) - len(retry)), **extra}
        async with session.post(url, data=body.encode(), headers=headers) as response:
            assert response.status == 200


def slack_keys(slack: FakeSlack) -> Counter[str]:
    """Outbox keys of every message on the fake Slack (the messenger puts the key in the metadata)."""
    return Counter(str(((m.get("metadata") or {}).get("event_payload") or {}).get("key"))
                   for messages in slack.history.values() for m in messages)


def delivered(slack: FakeSlack, discord: FakeDiscord) -> int:
    """Outbox messages on both fakes so far."""
    return sum(n for k, n in slack_keys(slack).items() if k != "None") + \
        sum(n for k, n in discord_nonces(discord).items() if k != "None")


def discord_nonces(discord: FakeDiscord) -> Counter[str]:
    return Counter(str(m.get("nonce")) for messages in discord.created.values() for m in messages)


async def outbox_rows(url: str) -> list[tuple[str, str, str]]:
    async with PgStore(url) as store:
        rows = await store.fetch_all("SELECT idempotency_key, platform, status FROM outbox")
    return [(r[0], r[1], r[2]) for r in rows]


async def test_two_replicas_send_everything_once_and_one_finishes_when_the_other_is_killed(
        postgres_url: str, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    member_ids = await seed(postgres_url, now)
    discord = await FakeDiscord().start()
    replicas: list[Replica] = []
    try:
        async with FakeSlack() as slack, aiohttp.ClientSession() as session, asyncio.timeout(DEADLINE):
            slack.add_user(SLACK_NEWCOMER, "Kofi")
            slack.post_delay = discord.post_delay = 0.01  # a kill can land between posting and recording it
            env = replica_env(postgres_url, slack, discord)
            replicas = [await start_replica(name, env, tmp_path) for name in ("a", "b")]
            urls = [re.search(r"(http://\S+/slack/events)", await r.wait_log("listening on")).group(1)  # type: ignore
                    for r in replicas]
            for replica in replicas:
                await replica.wait_log("discord door ready")

            # a member joins on each platform; the webinar is created and announced
            await discord.broadcast("GUILD_MEMBER_ADD", {**p.member(NEWCOMER), "guild_id": p.GUILD_ID})
            await slack_join(session, urls, slack)
            start = (datetime.now(UTC) + timedelta(seconds=125)).replace(second=0, microsecond=0)
            await create_webinar(discord, start)
            await answer_going(postgres_url, member_ids, datetime.now(UTC))

            # kill the leader (it queued the reminders) in the middle of their fan-out
            await until(lambda: any(r.said("this replica runs the due jobs") for r in replicas), "a leader", 30)
            [leader] = [r for r in replicas if r.said("this replica runs the due jobs")]
            [survivor] = [r for r in replicas if r is not leader]
            reminded = lambda: sum(":reminder:" in key for key in slack_keys(slack))  # noqa: E731
            await until(lambda: reminded() >= MEMBERS // 10, "the reminders' fan-out under way", DEADLINE)
            leader.process.send_signal(signal.SIGKILL)
            await leader.process.wait()
            left_at_kill = [row for row in await outbox_rows(postgres_url) if row[2] in ("pending", "sending")]
            await sign_up_for_peers(postgres_url, member_ids, datetime.now(UTC))  # a round for the new leader

            await survivor.wait_log("this replica runs the due jobs")
            rows = []
            while not rows or any(status in ("pending", "sending") for _, _, status in rows) or \
                    not any(key.startswith("peers:") for key, _, _ in rows):
                await asyncio.sleep(0.2)
                rows = await outbox_rows(postgres_url)
        survivor_log = "".join(survivor.lines)
    finally:
        for replica in replicas:
            if replica.process.returncode is None:
                replica.process.terminate()
                await replica.process.wait()
            await replica.reader
        await discord.close()

    assert left_at_kill, "the kill landed in the middle of the deliveries"
    assert "Traceback" not in survivor_log, survivor_log[-3000:]
    by_kind = Counter(kind_of(key) for key, _, _ in rows)
    assert by_kind["reminder"] == MEMBERS and by_kind["announce"] == 2 and by_kind["welcome"] >= 2, by_kind
    assert by_kind["peers"] >= PEERS // 3, by_kind  # one introduction per group of two or three
    unsent = [(key, status) for key, _, status in rows if status != "sent" and kind_of(key) != "other"]
    assert not unsent, unsent[:5]
    on_slack, on_discord = slack_keys(slack), discord_nonces(discord)
    assert [k for k, n in on_slack.items() if n > 1 and k != "None"] == []
    assert [k for k, n in on_discord.items() if n > 1 and k != "None"] == []
    for key, platform, status in rows:
        if status == "sent" and kind_of(key) != "other":
            assert (on_slack[key] if platform == "slack" else on_discord[nonce_for(key, 0)]) == 1, key


def kind_of(key: str) -> str:
    if ":event:" in key:
        return "other"  # a Discord scheduled event for the webinar: not a message
    if ":reminder:" in key:
        return "reminder"
    if ":announce:" in key:
        return "announce"
    return next((kind for kind in ("peers", "welcome") if key.startswith(kind + ":")), "other")
