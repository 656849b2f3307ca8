"""`community-bot dashboard` as a process, and `--login-link` for the operator (issue 21 #2)."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import aiohttp

from bot.cli import main

SECRET = "cli-secret-" + "q" * 24


async def test_the_operator_signs_in_with_a_printed_link(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "bot.db")
    env = {**os.environ, "BOT_DASHBOARD_SECRET": SECRET, "BOT_DB": db, "BOT_HTTP_PORT": ""}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--env-file", "", "dashboard", "--port", "0", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
    try:
        async with asyncio.timeout(30):
            line = (await process.stdout.readline()).decode()  # type: ignore[union-attr]
        url = re.search(r"(http://127\.0\.0\.1:\d+)/dashboard/", line).group(1)  # type: ignore[union-attr]
        os.environ["BOT_DASHBOARD_SECRET"] = SECRET
        try:
            assert await asyncio.to_thread(main, ["--env-file", "", "dashboard", "--login-link", "--db", db]) == 0
        finally:
            del os.environ["BOT_DASHBOARD_SECRET"]
        link = capsys.readouterr().out.strip()
        token = link.split("token=", 1)[1]
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            async with http.get(f"{url}/dashboard/") as response:
                assert response.status == 401
            async with http.post(f"{url}/dashboard/login", data={"token": token}) as response:
                assert response.status == 200 and "Bureau de coordination" not in await response.text()
                assert str(response.url).endswith("/dashboard/")
    finally:
        process.terminate()
        await process.wait()
    assert process.returncode == 0


def test_the_dashboard_needs_its_secret(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--env-file", "", "dashboard", "--login-link", "--db", str(tmp_path / "bot.db")]) == 2
    assert "BOT_DASHBOARD_SECRET" in capsys.readouterr().err
