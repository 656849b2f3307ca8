"""The console door end to end: commands, languages, buttons, forms, the clock, restarts."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from bot.core.model import Destination, Reply
from bot.platforms.console.door import parse_duration
from tests.conftest import ConsoleFactory

ROOT = Path(__file__).resolve().parents[1]


async def test_help_then_language_then_help_in_french(console: ConsoleFactory) -> None:
    async with console(user="ana") as session:
        english = await session.send("/help")
        assert "[DM ana] Here is what I can do" in english
        assert "/language [en|fr] — choose the language" in english
        switched = await session.send("/language fr")
        assert "je vous parlerai désormais en français" in switched
        french = await session.send("/help")
        assert "Voici ce que je peux faire" in french
        assert "• /langue [en|fr] — choisir la langue que j'utilise avec vous" in french
        assert "• /aide — afficher" in french  # the French names, generated from the declarations
        assert "Here is" not in french


async def test_platform_language_is_used_until_the_member_chooses(console: ConsoleFactory) -> None:
    async with console(user="amina", lang="fr") as session:
        assert "Voici ce que je peux faire" in await session.send("/aide")
        await session.send("/language en")
        assert "Here is what I can do" in await session.send("/help")


async def test_buttons_are_listed_and_clickable(console: ConsoleFactory) -> None:
    async with console(user="ana") as session:
        shown = await session.send("/language")
        assert "[1] English  [2] Français" in shown
        assert "désormais en français" in await session.send(":click 2")
        assert "Il n'y a pas de bouton 7" in await session.send(":click 7")


async def test_bad_input_gets_short_translated_answers(console: ConsoleFactory) -> None:
    async with console(user="ana") as session:
        assert "I do not know the command /nope" in await session.send("/nope")
        assert 'I do not know the language "de"' in await session.send("/language de")
        assert "5000 characters, and the limit is 4000" in await session.send("x" * 5000)
        assert "I did not understand that" in await session.send("?!")
        assert "Traceback" not in session.buffer.getvalue()


async def test_meta_commands(console: ConsoleFactory) -> None:
    async with console(user="ana") as session:
        assert "[console] acting as bob" in await session.send(":as bob")
        assert "[DM bob]" in await session.send("/help")
        assert "now 2026-12-01 08:00 UTC" in await session.send(":now")
        assert "now 2026-12-04 12:00 UTC" in await session.send(":advance 3d4h")
        assert "usage: :advance" in await session.send(":advance soon")
        assert "meta commands" in await session.send(":what")


def test_parse_duration() -> None:
    assert parse_duration("3d4h") == timedelta(days=3, hours=4)
    assert parse_duration("1w 2m") == timedelta(weeks=1, minutes=2)
    assert parse_duration("3x") is None
    assert parse_duration("") is None


async def test_advance_delivers_an_outbox_message_once_across_a_restart(console: ConsoleFactory) -> None:
    async with console(user="ana") as session:
        outbox = session.app.services.outbox
        due = session.app.services.clock.now() + timedelta(days=2)
        await outbox.send("test:reminder", Destination("console", "dm", "ana"), Reply("Your reminder"),
                          not_before=due)
        assert "Your reminder" not in await session.send(":advance 1d")
    async with console(user="ana") as session:  # restart on the same database
        assert "now 2026-12-02 08:00 UTC" in await session.send(":now")
        delivered = await session.send(":advance 1d")
        assert delivered.count("[DM ana] Your reminder") == 1
        assert "now 2026-12-03 08:00 UTC" in delivered
        assert "Your reminder" not in await session.send(":advance 5d")
    async with console(user="ana") as session:
        assert "Your reminder" not in await session.send(":advance 1d", "/help")


def test_console_command_reads_stdin_and_exits_at_end(tmp_path: Path) -> None:
    env = {**os.environ, "BOT_DB": str(tmp_path / "cli.db"), "PYTHONPATH": str(ROOT)}
    lines = "/help\n/language fr\n/help\n:join amina fr\n:now\n"
    done = subprocess.run([sys.executable, "-m", "bot", "console", "--user", "ana"], input=lines, text=True,
                          capture_output=True, env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "[DM ana] Here is what I can do" in done.stdout
    assert "[DM ana] Voici ce que je peux faire" in done.stdout
    assert "[console] amina joined" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_unusable_database_path_gets_a_clear_message(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    bad = tmp_path / "missing-folder" / "bot.db"
    done = subprocess.run([sys.executable, "-m", "bot", "console", "--db", str(bad), "--lang", "fr"],
                          input="/help\n", text=True, capture_output=True, env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 2
    assert "Je ne peux pas ouvrir la base de données" in done.stderr
    assert "Traceback" not in done.stderr
