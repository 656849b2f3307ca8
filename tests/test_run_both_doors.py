"""`community-bot run`: Slack and Discord in one process on one database; one webinar, announced on both."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.app import lifespan
from bot.commands.run import configured_doors, run_doors
from bot.core.clock import SimClock
from bot.settings import Settings
from tests.fakes import discord_payloads as p
from tests.fakes.discord import WAIT, FakeDiscord
from tests.fakes.discord_harness import typed
from tests.fakes.slack import FakeSlack

ROOT = Path(__file__).resolve().parents[1]
ADMIN = p.user("900000000000007001", "Ana")
DISCORD_ANNOUNCEMENTS = "900000000000007300"
CREATE = ('create title="Implementers call" start="2027-03-23 14:00" tz=Europe/Paris duration=60 lang=en '
          'link=https://meet.example.org/imp')


def buttons_of(data: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in data.get("components", []) for c in row["components"]]


async def test_one_webinar_is_announced_on_slack_and_discord(tmp_path: Path) -> None:
    discord = await FakeDiscord().start()
    try:
        async with FakeSlack() as slack:
            settings = Settings(
                db_path=str(tmp_path / "bot.db"), admins=frozenset({f"discord:{ADMIN['id']}"}),
                slack_bot_token="xoxb-test", slack_app_token="xapp-test", slack_api_url=slack.api_url,
                slack_channels={"announcements": "C100"}, discord_token="fake-token",
                discord_api_url=discord.api_url, discord_gateway_url=discord.gateway_url,
                discord_channels={"announcements": DISCORD_ANNOUNCEMENTS})
            clock = SimClock(datetime(2027, 3, 20, 9, 0, tzinfo=UTC))
            async with lifespan(settings=settings, clock=clock) as app:
                doors = configured_doors(settings, None)
                assert sorted(doors) == ["discord", "slack"]
                ready = asyncio.Event()
                task = asyncio.create_task(run_doors(app, doors, ready))
                try:
                    async with asyncio.timeout(WAIT):
                        await ready.wait()
                    confirm = await discord.interact(typed(app.routes, ADMIN, "webinar", CREATE, admin=True))
                    [confirm_id] = [b for b in buttons_of(confirm["data"]) if b.startswith("webinar.confirm|")]
                    await discord.interact(p.press(ADMIN, confirm_id, admin=True))
                    await app.heartbeat.tick()
                    [on_discord] = await discord.messages_to(DISCORD_ANNOUNCEMENTS)
                    on_slack = await slack.wait_call("chat.postMessage")
                finally:
                    task.cancel()
                    await asyncio.gather(task, return_exceptions=True)
            assert "Implementers call" in on_discord.body["content"]
            assert on_slack.args["channel"] == "C100"
            assert "Implementers call" in str(on_slack.args.get("text", "")) + str(on_slack.args.get("blocks", ""))
    finally:
        await discord.close()


def test_run_without_any_door_configured_says_what_to_set(tmp_path: Path) -> None:
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    done = subprocess.run([sys.executable, "-m", "bot", "--env-file", str(tmp_path / "none"), "run"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "SLACK_BOT_TOKEN and/or DISCORD_TOKEN" in done.stderr
