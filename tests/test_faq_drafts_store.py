"""FAQ drafts kept in the database when content/faq is read-only (served at once and after a restart,
exported by `community-bot faq export-drafts`), and what /mydata and /forget-me do with the loop's data."""

from __future__ import annotations

import asyncio
import io
import json
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from bot.app import lifespan
from bot.cli import main
from bot.core.clock import SimClock
from bot.platforms.console.door import ConsoleDoor
from bot.services import privacy
from bot.services.faq import drafts as loop
from bot.services.faq.content import DEFAULT_DIR, load_file
from bot.settings import Settings
from bot.store import faq_drafts as sql
from bot.store import members as member_sql
from tests.conftest import ConsoleSession


class Session(ConsoleSession):
    async def send(self, *lines: str) -> str:
        return (await super().send(*lines)).replace("\xa0", " ")


@pytest.fixture
def loop_settings(settings: Settings, tmp_path: Path) -> Settings:
    folder = tmp_path / "faq"
    shutil.copytree(DEFAULT_DIR, folder)
    return replace(settings, faq_dir=str(folder), admins=frozenset({"console:ana"}), help_channel="ask-openimis")


@asynccontextmanager
async def bot(settings: Settings, clock: SimClock, user: str = "bio") -> AsyncIterator[Session]:
    async with lifespan(settings=settings, clock=clock) as app:
        buffer = io.StringIO()
        yield Session(ConsoleDoor(app, clock, buffer, user, "en"), buffer)


def read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The content folder refuses the file (tests run as root, so permissions alone would not)."""

    def refuse(directory: Path, topic_id: str, text: str) -> Path:
        raise PermissionError(13, "Read-only file system", str(directory / f"{topic_id}.toml"))

    monkeypatch.setattr(loop, "write_topic_file", refuse)


async def draft_from_help_thread(s: Session) -> str:
    """bio asks, posts to the help channel; ram answers in the thread; ana saves it and fills both languages."""
    await s.send("/faq best recipe for banana cake", ":click 1", ":click 1")
    await s.send(":join ram", ":as ram")
    listing = await s.send(":messages")
    post = re.search(r"(\d+)\. \[#ask-openimis\] bot: Question", listing).group(1)  # type: ignore[union-attr]
    reply = await s.send(f":reply {post} Mash three bananas, mix with flour, sugar and eggs, bake 50 minutes.")
    answer = re.search(r"(\d+)\. ", reply).group(1)  # type: ignore[union-attr]
    await s.send(":as ana")
    saved = await s.send(f":action {answer} faq-draft")
    assert "Saved: FAQ draft D-1" in saved
    await s.send(":click 1", "best recipe for banana cake | how to bake a banana cake", "", "cake, banana", "",
                 "banana-cake")
    return saved


async def test_read_only_folder_keeps_the_topic_in_the_database_served_now_and_after_restart(
        loop_settings, clock, monkeypatch, tmp_path):
    read_only(monkeypatch)
    async with bot(loop_settings, clock) as s:
        await draft_from_help_thread(s)
        said = await s.send(":click 3")
        assert "Published: D-1 is now FAQ topic banana-cake, answered from now on" in said
        assert "kept in the database" in said and "FR missing" in said
        assert not (Path(loop_settings.faq_dir) / "banana-cake.toml").exists()
        assert "[DM bio] Good news: your question « best recipe for banana cake »" in said
        await s.send(":as bio")
        assert "Mash three bananas" in await s.send("/faq how to bake a banana cake")
    async with bot(loop_settings, clock, user="awa") as s:  # a new process on the same database
        await s.send("/language fr")
        said = await s.send("/faq banana cake")  # no language in the question: answered in awa's
        assert "(Cette réponse n'existe pour l'instant qu'en anglais.)" in said and "Mash three bananas" in said

    out = tmp_path / "export"
    argv = ["--env-file", "/nonexistent", "faq", "export-drafts", "--db", loop_settings.db_path, "--to", str(out)]
    assert await asyncio.to_thread(main, argv) == 0  # the CLI runs its own event loop
    entry = load_file(out / "banana-cake.toml")
    assert entry.missing == ("fr",) and entry.versions["en"].questions[1] == "how to bake a banana cake"


async def test_mydata_exports_and_forget_me_erases_the_loop_data(loop_settings, clock):
    async with bot(loop_settings, clock) as s:
        await draft_from_help_thread(s)
        app = s.app
        async with app.services.store.transaction() as db:
            bio = await member_sql.by_platform_id(db, "console", "bio")
            ram = await member_sql.by_platform_id(db, "console", "ram")
            assert bio is not None and ram is not None
            data = json.loads(privacy.export_json(await privacy.export(db, bio, app.routes.privacy, clock.now())))
        [question] = data["faq_drafts"]["help_channel_questions"]
        assert question["question"] == "best recipe for banana cake" and question["mention"] == 1
        [draft] = data["faq_drafts"]["faq_drafts"]
        assert draft["asked_by_you"] and draft["ref"] == "D-1"

        async with app.services.store.transaction() as db:  # ram's words are in the open draft: it goes
            await privacy.erase(db, ram, app.routes.privacy, clock.now())
            assert await sql.open_drafts(db) == []
            rows = await db.execute_fetchall("SELECT COUNT(*) FROM faq_help_posts")
        assert rows[0][0] == 1  # bio's question is bio's

        async with app.services.store.transaction() as db:
            kept = await privacy.erase(db, bio, app.routes.privacy, clock.now())
            rows = await db.execute_fetchall("SELECT COUNT(*) FROM faq_help_posts")
            text = json.dumps([dict(r) for r in await db.execute_fetchall("SELECT * FROM faq_drafts")])
        assert rows[0][0] == 0 and "banana" not in text
        assert not [k for k, _ in kept if k.startswith("faq_drafts")]  # nothing of theirs kept


async def test_forget_me_unlinks_a_published_topic_from_the_asker(loop_settings, clock):
    async with bot(loop_settings, clock) as s:
        await draft_from_help_thread(s)
        await s.send(":click 3")
        app = s.app
        async with app.services.store.transaction() as db:
            bio = await member_sql.by_platform_id(db, "console", "bio")
            assert bio is not None
            kept = await privacy.erase(db, bio, app.routes.privacy, clock.now())
            published = await sql.get(db, 1)
        assert ("faq_drafts.privacy_unlinked", 1) in kept
        assert published is not None and published.asker is None and "console:bio" not in published.people
        assert published.status == sql.PUBLISHED
