"""`community-bot discord` as a real process against the fake Discord: /help answered, a newcomer welcomed
at once by the outbox's delivery loop (woken by the commit that queued the welcome: the heartbeat and the
loop's own poll are an hour apart), clean stop on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.fakes import discord_payloads as p
from tests.fakes.discord import WAIT, FakeDiscord

ROOT = Path(__file__).resolve().parents[1]


async def test_community_bot_discord_answers_and_stops_cleanly(tmp_path):
    fake = await FakeDiscord().start()
    env = {**os.environ, "DISCORD_TOKEN": "fake-token", "DISCORD_API_URL": fake.api_url,
           "DISCORD_GATEWAY_URL": fake.gateway_url, "BOT_DB": str(tmp_path / "bot.db"), "BOT_LOG_LEVEL": "INFO",
           "BOT_HEARTBEAT_SECONDS": "3600", "BOT_OUTBOX_POLL_SECONDS": "3600", "BOT_OUTBOX_LEASE_SECONDS": "7200"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--env-file", str(tmp_path / "none.env"), "discord", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await fake.connected()
        answer = await fake.interact(p.slash(p.user("900000000000006001", "Ana"), "help", locale="fr"))
        assert answer["type"] == 4 and "• /aide — " in answer["data"]["content"]  # the French client's name
        assert answer["data"]["content"].startswith("Voici")
        newcomer = p.user("900000000000006002", "Chidi")
        assert await fake.member_joins(newcomer)  # GUILD_MEMBER_ADD
        [welcome] = await fake.messages_to(p.dm_channel_id(newcomer["id"]))  # well before any beat or poll
        assert "Chidi" in welcome.body["content"]
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), WAIT)
        _, err = await process.communicate()
        assert code == 0, err.decode()
        assert "application command(s) synced" in err.decode()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await fake.close()


async def test_community_bot_discord_needs_a_token(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCORD_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--env-file", str(tmp_path / "none.env"), "discord", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(process.communicate(), WAIT)
    assert process.returncode == 2 and b"DISCORD_TOKEN is required" in err
