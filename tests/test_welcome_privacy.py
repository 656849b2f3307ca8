"""/privacy, /mydata and /forget-me: every table that references a member is exported and erased."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.app import App, lifespan
from bot.core.clock import SimClock
from bot.core.model import Actor, ButtonPressed, CommandInvoked, Destination, Member, MemberJoined, Reply
from bot.core.routes import Routes, merge
from bot.core.text import mention, plain
from bot.services import privacy
from bot.settings import Settings
from bot.store import members as member_sql
from handlers import all_routes

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
AMINA = Actor("console", "amina", "Amina K.", platform_locale="en")
BEN = Actor("console", "ben", "Ben")


class VotesPart:
    """What a later feature registers: keeps its counts, drops the link to the person."""

    name = "votes"
    tables = ("votes",)

    async def export(self, db: aiosqlite.Connection, member: Member) -> Any:
        rows = await db.execute_fetchall("SELECT faq, helpful FROM votes WHERE member_id = ?", (member.id,))
        return [dict(r) for r in rows]

    async def erase(self, db: aiosqlite.Connection, member: Member, now: datetime) -> list[tuple[str, int]]:
        cursor = await db.execute("UPDATE votes SET member_id = NULL WHERE member_id = ?", (member.id,))
        return [("privacy.kept.messages", cursor.rowcount)]


class Recorder:
    platform = "console"

    def __init__(self) -> None:
        self.sent: list[tuple[Destination, Reply]] = []

    async def send(self, dest: Destination, reply: Reply, key: str = "") -> str | None:
        self.sent.append((dest, reply))
        return None


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    routes = merge(all_routes(), Routes(privacy=(VotesPart(),)))
    async with lifespan(settings=Settings(db_path=str(tmp_path / "bot.db")), clock=SimClock(START),
                        routes=routes) as app:
        async with app.services.store.transaction() as db:
            await db.execute("CREATE TABLE votes (id INTEGER PRIMARY KEY, member_id INTEGER REFERENCES members (id),"
                             " faq TEXT NOT NULL, helpful INTEGER NOT NULL)")
            await db.execute("CREATE TABLE registrations (id INTEGER PRIMARY KEY, "
                             "member_id INTEGER NOT NULL REFERENCES members (id), email TEXT)")
            await db.execute("CREATE TABLE talks (id INTEGER PRIMARY KEY, title TEXT NOT NULL, "
                             "created_by INTEGER REFERENCES members (id) ON DELETE SET NULL)")
        app.services.outbox.register(Recorder())
        yield app


async def seed(app: App) -> tuple[Member, Member]:
    """Amina joins, answers, votes, registers, is mentioned in a channel post and in a group DM with Ben."""
    await app.dispatcher.handle(MemberJoined(AMINA))
    await app.dispatcher.handle(MemberJoined(BEN))
    await app.dispatcher.handle(CommandInvoked(AMINA, "profile", "organisation Amina's Clinic"))
    await app.dispatcher.handle(CommandInvoked(AMINA, "profile", "timezone Africa/Douala"))
    async with app.services.store.transaction() as db:
        amina = await member_sql.by_platform_id(db, "console", "amina")
        ben = await member_sql.by_platform_id(db, "console", "ben")
        assert amina is not None and ben is not None
        await db.execute("INSERT INTO votes (member_id, faq, helpful) VALUES (?, 'install', 1)", (amina.id,))
        await db.execute("INSERT INTO registrations (member_id, email) VALUES (?, 'amina@example.org')", (amina.id,))
        await db.execute("INSERT INTO talks (title, created_by) VALUES ('Claims in Chad', ?)", (amina.id,))
        await db.execute("INSERT INTO talks (title, created_by) VALUES ('Ben talks', ?)", (ben.id,))
        await db.execute("CREATE TABLE door_state (user_id TEXT NOT NULL, answers TEXT NOT NULL)")
        await db.execute("INSERT INTO door_state VALUES ('amina', '{\"organisation\": \"Amina Clinic\"}')")
        await db.execute("INSERT INTO door_state VALUES ('ben', '{}')")
        outbox = app.services.outbox
        post = Reply(f"Thanks {mention('amina', 'Amina K.')} for the demo!")
        await outbox.enqueue(db, "post:1", Destination.channel("console", "announcements"), post)
        await outbox.enqueue(db, "intro:1", Destination("console", "group", "ben,amina"), Reply("Meet each other"))
        await outbox.enqueue(db, "ben:1", Destination.dm(ben), Reply("Hello Ben"))
    await app.heartbeat.tick()
    return amina, ben


async def test_mydata_holds_everything_about_her_and_nothing_about_others(app: App) -> None:
    amina, _ = await seed(app)
    reply = await app.dispatcher.handle(CommandInvoked(AMINA, "mydata"))
    assert isinstance(reply, Reply) and reply.file is not None
    assert reply.file.mime == "application/json"
    data = json.loads(reply.file.content)
    assert data["member"]["display_name"] == "Amina K." and data["member"]["timezone"] == "Africa/Douala"
    assert data["profile"][0]["organisation"] == "Amina's Clinic"
    assert data["welcome_followups"][0]["next_step"] == "faq-tip"
    assert data["votes"] == [{"faq": "install", "helpful": 1}]
    assert data["registrations"][0]["email"] == "amina@example.org"  # found through its foreign key
    assert [t["title"] for t in data["talks"]] == ["Claims in Chad"]
    assert [r["user_id"] for r in data["door_state"]] == ["amina"]  # keyed by user_id, no foreign key
    keys = {m["idempotency_key"] for m in data["messages"]}
    # rows addressed to her by id; a post that only mentions her in its text is not exported (text can be
    # forged by another member), though /forget-me still erases it
    assert keys == {f"welcome:{amina.id}:dm", "intro:1"}


async def test_forget_me_erases_every_table_and_says_what_was_kept(app: App) -> None:
    amina, ben = await seed(app)
    await app.services.outbox.send("later:1", Destination.dm(amina), Reply("a reminder for Amina K."),
                                   not_before=datetime(2027, 1, 1, tzinfo=UTC))
    confirm = await app.dispatcher.handle(CommandInvoked(AMINA, "forget-me"))
    assert isinstance(confirm, Reply) and [b.action for b in confirm.buttons] == ["privacy.forget", "privacy.cancel"]
    assert "nothing was erased" in plain(str(await _text(app, ButtonPressed(AMINA, "privacy.cancel", str(amina.id)))))
    assert "no longer valid" in await _text(app, ButtonPressed(BEN, "privacy.forget", str(amina.id)))
    out = await _text(app, ButtonPressed(AMINA, "privacy.forget", str(amina.id)))
    assert "your personal data has been erased" in out
    assert "3 delivery records of messages" in out and "1 delivery record of a message" in out  # outbox, votes

    for table in await _tables(app):
        for row in await app.services.store.fetch_all(f'SELECT * FROM "{table}"'):
            text = json.dumps(dict(row), default=str).lower()
            for needle in ("amina", "clinic", "douala", "example.org"):
                assert needle not in text, (table, dict(row))
    votes = await app.services.store.fetch_all("SELECT member_id, faq FROM votes")
    assert [tuple(v) for v in votes] == [(None, "install")]  # kept, anonymously
    assert await app.services.store.fetch_all("SELECT * FROM registrations") == []
    assert [tuple(r) for r in await app.services.store.fetch_all("SELECT * FROM door_state")] == [("ben", "{}")]
    talks = await app.services.store.fetch_all("SELECT title, created_by FROM talks ORDER BY id")
    assert [tuple(t) for t in talks] == [("Claims in Chad", None), ("Ben talks", ben.id)]  # shared, unlinked
    assert "1 shared record you created" in out
    assert await app.services.store.fetch_one("SELECT * FROM outbox WHERE idempotency_key = 'later:1'") is None
    bens = await app.services.store.fetch_all("SELECT target, status FROM outbox WHERE idempotency_key = 'ben:1'")
    assert [tuple(r) for r in bens] == [("ben", "sent")]  # other members are untouched
    assert ben.id != amina.id

    again = await _text(app, ButtonPressed(AMINA, "privacy.forget", str(amina.id)))
    assert "no longer valid" in again


async def test_privacy_notice_in_her_language(app: App) -> None:
    fr = Actor("console", "zoe", "Zoé", platform_locale="fr")
    out = await _text(app, CommandInvoked(fr, "confidentialite"))
    assert "Ce que j'enregistre à votre sujet" in out and "/oubliez-moi" in out  # French names for French readers


async def test_export_of_a_member_with_nothing_stored(app: App) -> None:
    async with app.services.store.transaction() as db:
        member = await member_sql.upsert(db, BEN, START)
        data = await privacy.export(db, member, app.routes.privacy, START)
    assert data["profile"] == [] and data["messages"] == [] and data["member"]["user_id"] == "ben"


async def _text(app: App, event: Any) -> str:
    result = await app.dispatcher.handle(event)
    assert isinstance(result, Reply)
    return plain(result.text)


async def _tables(app: App) -> list[str]:
    rows = await app.services.store.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
    return [str(r[0]) for r in rows]


async def test_forget_me_keeps_the_webinars_she_created_for_the_others(tmp_path: Path) -> None:
    """The real webinars tables: created_by is ON DELETE SET NULL, so her webinar stays, unlinked."""
    import io

    from bot.platforms.console.door import ConsoleDoor

    clock = SimClock(START)
    async with lifespan(settings=Settings(db_path=str(tmp_path / "bot.db")), clock=clock) as app:
        out = io.StringIO()
        door = ConsoleDoor(app, clock, out, "ana", "en", files=tmp_path / "console-files")
        for line in (":admin ana", '/webinar create title="Claims clinic" start="next tuesday 14:00" '
                     "tz=Europe/Paris duration=60 lang=en link=https://meet.example.org/c", ":click 1",
                     "/forget-me", ":click 1"):
            await door.handle_line(line)
        store = app.services.store
        assert [tuple(r) for r in await store.fetch_all("SELECT title, created_by FROM webinars")] == [
            ("Claims clinic", None)]
        assert await store.fetch_all("SELECT * FROM webinar_drafts") == []
        assert await store.fetch_all("SELECT * FROM members WHERE user_id = 'ana' OR display_name = 'ana'") == []
        assert "shared record you created" in out.getvalue()


async def test_forget_me_drops_event_ids_that_carry_her_user_id(app: App) -> None:
    amina, _ = await seed(app)
    async with app.services.store.transaction() as db:
        for platform, event_id in (("console", "join:amina"), ("console", "join:1:amina:2026-11-02"),
                                   ("console", "join:aminata"), ("slack", "join:amina"), ("console", "Ev0123")):
            await member_sql.first_time_seen(db, platform, event_id, START)
    await _text(app, ButtonPressed(AMINA, "privacy.forget", str(amina.id)))
    left = await app.services.store.fetch_all("SELECT platform, event_id FROM processed_events ORDER BY event_id")
    expected = [("console", "Ev0123"), ("console", "join:aminata"), ("slack", "join:amina")]
    assert sorted(tuple(r) for r in left) == expected
