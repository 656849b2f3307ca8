"""Issue 20 #5, #6: start-up problems are one clear line and exit code 2; signed malformed Slack requests 400."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import sqlite3
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bot.core.clock import SimClock
from bot.settings import Settings
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_harness import slack_rig
from tests.test_slack_cli import ROOT, TIMEOUT, start, stop

UNUSED_TOKEN_WARNING = "will be unused"
INFO_LINE = re.compile(r"^\d{4}-\d\d-\d\d [\d:,]+ INFO ")


def not_info(err: str) -> list[str]:
    """What the process printed besides its INFO log lines (BOT_LOG_LEVEL=INFO in these runs)."""
    return [line for line in err.strip().splitlines() if not INFO_LINE.match(line)]


async def ended(process: asyncio.subprocess.Process) -> tuple[int, str]:
    assert process.stderr is not None
    async with asyncio.timeout(TIMEOUT):
        err = (await process.stderr.read()).decode()
        return await process.wait(), err


async def test_refused_bot_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    async with FakeSlack() as slack:
        slack.fail("auth.test", error="invalid_auth")
        code, err = await ended(await start(slack, tmp_path, {"SLACK_APP_TOKEN": "xapp-t"}))
    assert code == 2, err
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in err
    assert "Traceback" not in err and len(not_info(err)) == 1, err


async def test_refused_app_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    async with FakeSlack() as slack:
        slack.fail("apps.connections.open", error="invalid_auth")
        code, err = await ended(await start(slack, tmp_path, {"SLACK_APP_TOKEN": "xapp-t"}))
    assert code == 2, err
    assert "Slack refused SLACK_APP_TOKEN (invalid_auth)" in err and "Traceback" not in err


async def test_unreachable_slack_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/api/"
    async with FakeSlack() as slack:
        code, err = await ended(await start(slack, tmp_path, {"SLACK_APP_TOKEN": "xapp-t", "SLACK_API_URL": url}))
    assert code == 2, err
    assert f"cannot reach Slack at {url}" in err and "SLACK_API_URL" in err
    assert "Traceback" not in err and len(not_info(err)) == 1, err


async def test_a_normal_start_does_not_warn_about_the_unused_token(tmp_path: Path) -> None:
    async with FakeSlack() as slack:
        process = await start(slack, tmp_path, {"SLACK_APP_TOKEN": "xapp-t"})
        assert process.stderr is not None
        read = ""
        try:  # the log line, not the socket: the line comes once the handshake is done, after the socket opens
            async with asyncio.timeout(TIMEOUT):
                while "Socket Mode connected" not in read:
                    line = (await process.stderr.readline()).decode()
                    assert line, "the process ended before connecting"
                    read += line
        finally:
            log = read + await stop(process)
    assert "Socket Mode connected" in log and UNUSED_TOKEN_WARNING not in log


def read_only_copy(tmp_path: Path) -> Path:
    """A migrated database that SQLite opens read-only whoever runs the tests (root included): its header's
    write version is above 2 (https://www.sqlite.org/fileformat2.html#file_format_version_numbers)."""
    path = tmp_path / "read-only.db"
    done = __import__("subprocess").run([sys.executable, "-m", "bot", "--env-file", "/dev/null", "db", "migrate",
                                         "--db", str(path)], cwd=ROOT, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode = DELETE")  # the WAL files would hold the header too
    with path.open("r+b") as file:
        file.seek(18)
        file.write(bytes([3]))
    return path


@pytest.mark.parametrize("door", ["console", "slack"])
async def test_read_only_database_at_start_is_the_translated_message_and_exit_2(tmp_path: Path, door: str) -> None:
    path = read_only_copy(tmp_path)
    env = {"BOT_DB": str(path), "BOT_DEFAULT_LOCALE": "fr", "SLACK_BOT_TOKEN": "xoxb-t", "SLACK_APP_TOKEN": "xapp-t",
           "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--env-file", "/dev/null", door, env=env, cwd=tmp_path,
        stdin=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL)
    code, err = await ended(process)
    assert code == 2, err
    assert f"Je ne peux pas ouvrir la base de données {path}" in err
    assert "readonly" in err and "Traceback" not in err


MALFORMED = {
    "unreadable payload": ("payload=not-json", "form"),
    "payload not an object": (urlencode({"payload": "[]"}), "form"),
    "button without user": (urlencode({"payload": json.dumps({"type": "block_actions", "actions": []})}), "form"),
    "button without action_id": (urlencode({"payload": json.dumps(
        {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"value": "fr"}]})}), "form"),
    "modal without view": (urlencode({"payload": json.dumps({"type": "view_submission", "user": {"id": "U1"}})}),
                           "form"),
    "command without user": (urlencode({"command": "/language", "text": "fr"}), "form"),
    "unreadable json": ("{not json", "json"),
    "event without event": (json.dumps({"type": "event_callback", "event_id": "E1"}), "json"),
    "message without channel": (json.dumps({"type": "event_callback", "event_id": "E2",
                                            "event": {"type": "message", "user": "U1", "channel_type": "im"}}), "json"),
    "team_join with a bare id": (json.dumps({"type": "event_callback", "event_id": "E3",
                                             "event": {"type": "team_join", "user": "U1"}}), "json"),
    "empty body": ("", "form"),
}
TYPES = {"form": "application/x-www-form-urlencoded", "json": "application/json"}


@pytest.mark.parametrize("case", sorted(MALFORMED))
async def test_signed_malformed_requests_get_400_and_change_nothing(settings: Settings, clock: SimClock,
                                                                    case: str) -> None:
    body, kind = MALFORMED[case]
    async with slack_rig(settings, clock, "http") as rig:
        assert rig.http is not None
        store = rig.app.services.store
        counts = "SELECT (SELECT count(*) FROM members), (SELECT count(*) FROM processed_events)," \
                 " (SELECT count(*) FROM outbox)"
        before = [tuple(r) for r in await store.fetch_all(counts)]
        calls = len(rig.slack.calls)
        status, text = await rig.http.post(body, TYPES[kind])
        assert (status, text) == (400, "malformed request")
        assert [tuple(r) for r in await store.fetch_all(counts)] == before and len(rig.slack.calls) == calls
        # unsigned, the same body is refused for its signature first
        async with rig.http.session.post(rig.http.url, data=body, headers={"Content-Type": TYPES[kind]}) as r:
            assert r.status == 401


