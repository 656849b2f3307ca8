"""Console attachments (issue 15 #8): a file the bot sends is written to BOT_CONSOLE_FILES and its path printed,
so a member can open their /mydata export."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from bot.core.model import Attachment
from bot.platforms.console.files import safe_name, save_attachment
from tests.conftest import ConsoleFactory

ROOT = Path(__file__).resolve().parents[1]
SAVED = re.compile(r"\(file (\S+), (\d+) bytes, saved as (\S+)\)")


async def test_mydata_is_written_where_the_console_says(console: ConsoleFactory, tmp_path: Path) -> None:
    async with console(user="ana") as session:
        await session.send(":join ana en", "/profile organisation Qwyrtz Clinic")
        said = await session.send("/mydata")
    data = saved_json(said, tmp_path / "console-files")
    assert data["member"]["user_id"] == "ana"


def saved_json(said: str, folder: Path) -> dict[str, Any]:
    """The file the console said it saved: in `folder`, of the size it said, private, and parsed."""
    match = SAVED.search(said)
    assert match is not None, said
    path = Path(match.group(3))
    assert path.parent == folder.resolve()
    assert path.stat().st_size == int(match.group(2))
    assert path.stat().st_mode & 0o077 == 0  # the export is readable by its owner only
    data: dict[str, Any] = json.loads(path.read_bytes())
    return data


async def test_the_line_is_translated(console: ConsoleFactory) -> None:
    async with console(user="ana", lang="fr") as session:
        said = await session.send(":join ana fr", "/mesdonnees")
    assert re.search(r"\(fichier my-data-\d{8}\.json, \d+ octets, enregistré sous \S+\)", said), said


async def test_an_unwritable_folder_gets_a_message_not_a_traceback(console: ConsoleFactory, tmp_path: Path) -> None:
    blocker = tmp_path / "console-files"
    blocker.write_text("a file where the folder should be")
    async with console(user="ana") as session:
        said = await session.send(":join ana en", "/mydata")
    assert "I could not save it in the folder" in said and "BOT_CONSOLE_FILES" in said
    assert "Traceback" not in said


def test_names_stay_inside_the_folder_and_other_content_is_never_overwritten(tmp_path: Path) -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\..\\x y.json") == "x-y.json"
    assert safe_name(".hidden") == "hidden"
    assert safe_name("..") == "file"
    first = save_attachment(tmp_path, Attachment("a.json", b"one"))
    again = save_attachment(tmp_path, Attachment("a.json", b"one"))
    other = save_attachment(tmp_path, Attachment("a.json", b"two"))
    assert first == again and first.read_bytes() == b"one"
    assert other.name == "a-2.json" and other.read_bytes() == b"two"


def test_the_command_line_uses_bot_console_files(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BOT_CONSOLE_FILES": str(folder)}
    done = subprocess.run([sys.executable, "-m", "bot", "console", "--user", "ana", "--db", str(tmp_path / "b.db")],
                          input=":join ana en\n/mydata\n", text=True, capture_output=True, env=env, cwd=tmp_path,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert saved_json(done.stdout, folder)["member"]["display_name"] == "ana"
