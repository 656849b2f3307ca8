"""`community-bot slack` as a process, in Socket Mode and in HTTP mode, against the fake Slack."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

from tests.fakes import slack_payloads as p
from tests.fakes.slack import FakeSlack

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 20


async def start(slack: FakeSlack, tmp_path: Path, extra: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BOT_DB": str(tmp_path / "bot.db"), "SLACK_BOT_TOKEN": "xoxb-t",
           "SLACK_API_URL": slack.api_url, "SLACK_HOST": "127.0.0.1", "BOT_LOG_LEVEL": "INFO", **extra}
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "slack", *args, env=env, cwd=tmp_path,
                                                stderr=asyncio.subprocess.PIPE)


async def events_url(process: asyncio.subprocess.Process) -> str:
    """Read the process's log until HTTP mode says where it listens; return the /slack/events URL."""
    assert process.stderr is not None
    line = ""
    while "listening on" not in line:
        line = (await process.stderr.readline()).decode()
        assert line, "the process ended before listening"
    return re.search(r"(http://\S+/slack/events)", line).group(1)  # type: ignore[union-attr]


async def stop(process: asyncio.subprocess.Process) -> str:
    process.terminate()
    assert process.stderr is not None
    rest = await process.stderr.read()
    assert await process.wait() == 0, rest.decode()
    return rest.decode()


async def test_socket_mode_process(tmp_path: Path) -> None:
    async with FakeSlack() as slack:
        slack.add_user("U1", "Ana", locale="fr-FR")
        process = await start(slack, tmp_path, {"SLACK_APP_TOKEN": "xapp-t"})
        try:
            async with asyncio.timeout(TIMEOUT):
                await slack.wait_for(lambda s: s.sockets)
                ack = await slack.request("slash_commands", p.command(slack, "help"))
                reply = await slack.wait_call("response_url")  # the answer came in the acknowledgement
        finally:
            log = await stop(process)
        assert reply.token == "ack" and ack["response_type"] == "ephemeral"
        assert reply.args["text"].startswith("Voici ce que je peux faire")
        assert "Socket Mode connected" in log and "Traceback" not in log


async def test_http_mode_process(tmp_path: Path) -> None:
    async with FakeSlack() as slack:
        slack.add_user("U1", "Ana")
        process = await start(slack, tmp_path, {"SLACK_SIGNING_SECRET": p.SECRET}, "--port", "0")
        assert process.stderr is not None
        try:
            async with asyncio.timeout(TIMEOUT):
                url = await events_url(process)
                async with aiohttp.ClientSession() as session:
                    side = p.HttpSide(session, url, slack)
                    body = urlencode(p.command(slack, "language", "fr"))
                    assert (await side.post(body, "application/x-www-form-urlencoded", secret="wrong"))[0] == 401
                    ack = await side.command(p.command(slack, "language", "fr"))
                reply = await slack.wait_call("response_url")
        finally:
            await stop(process)
        assert reply.token == "ack" and ack["text"] == reply.args["text"]
        assert "désormais en français" in reply.args["text"]


async def test_missing_tokens_are_configuration_errors(tmp_path: Path) -> None:
    async with FakeSlack() as slack:
        process = await start(slack, tmp_path, {"SLACK_SIGNING_SECRET": ""})
        assert process.stderr is not None
        err = (await process.stderr.read()).decode()
        assert await process.wait() == 2
        assert "SLACK_SIGNING_SECRET is required in HTTP mode" in err and not slack.calls


async def every_feature(slack: FakeSlack, side: p.Side) -> None:
    """FAQ, welcome, feedback, webinar and peers through one running `community-bot slack` process."""

    def posts(channel: str) -> list[dict]:
        return [c.args for c in slack.calls_to("chat.postMessage") if c.args["channel"] == channel]

    def first_button(message: dict, action: str) -> dict:
        return next(e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
                    if e["action_id"].startswith(action + "#"))

    async def press(message: dict, action: str, user: str = "U1") -> None:
        element = first_button(message, action)
        await side.interactive(p.block_action(slack, element["action_id"], element["value"], user=user))

    await side.event(p.event_callback(p.dm_event("Which countries use openIMIS?")))
    await slack.wait_for(lambda s: any("Tanzania" in m["text"] for m in posts("D1")))

    await side.event(p.event_callback({"type": "team_join", "user": slack.users["U2"]}))
    await slack.wait_for(lambda s: posts("DU2"))

    await side.command(p.command(slack, "feedback"))
    await press((await slack.wait_call("response_url")).args, "feedback.new")
    view = (await slack.wait_call("views.open")).args["view"]
    await side.interactive(p.view_submission(view, {"category": "bug", "description": "Claims list is slow"}))
    await slack.wait_for(lambda s: posts("C0PRODUCT"))

    await side.command(p.command(slack, "webinar", "create"))
    view = (await slack.wait_call("views.open", 2)).args["view"]
    answers = {"title": "Implementers call", "start": "2030-01-08 14:00", "timezone": "Europe/Paris",
               "link": "https://meet.example.org/imp"}
    await side.interactive(p.view_submission(view, answers))
    draft = await slack.wait_for(lambda s: [m for m in posts("DU1") if "Implementers call" in m["text"]])
    await press(draft[0], "webinar.confirm")
    await slack.wait_for(lambda s: posts("C0ANNOUNCE"))

    await side.command(p.command(slack, "peers", "join stage=pilot languages=en country=CM interests=claims "
                                               "consent=yes"))
    await slack.wait_for(lambda s: any("<!date^" in c.args["text"] for c in s.calls_to("response_url")))


FEATURE_ENV = {"BOT_ADMINS": "slack:U1", "SLACK_CHANNELS": "announcements=C0ANNOUNCE,product=C0PRODUCT,"
               "introductions=C0INTRO"}


async def test_every_feature_through_the_process_in_socket_mode(tmp_path: Path) -> None:
    async with FakeSlack() as slack:
        slack.add_user("U1", "Ana")
        slack.add_user("U2", "Bio", locale="fr-FR")
        process = await start(slack, tmp_path, {"SLACK_APP_TOKEN": "xapp-t", **FEATURE_ENV})
        try:
            async with asyncio.timeout(TIMEOUT):
                await slack.wait_for(lambda s: s.sockets)
                await every_feature(slack, p.SocketSide(slack))
        finally:
            log = await stop(process)
        assert "Traceback" not in log


async def test_every_feature_through_the_process_in_http_mode(tmp_path: Path) -> None:
    async with FakeSlack() as slack:
        slack.add_user("U1", "Ana")
        slack.add_user("U2", "Bio", locale="fr-FR")
        process = await start(slack, tmp_path, {"SLACK_SIGNING_SECRET": p.SECRET, **FEATURE_ENV}, "--port", "0")
        assert process.stderr is not None
        try:
            async with asyncio.timeout(TIMEOUT):
                url = await events_url(process)
                async with aiohttp.ClientSession() as session:
                    await every_feature(slack, p.HttpSide(session, url, slack))
        finally:
            log = await stop(process)
        assert "Traceback" not in log
