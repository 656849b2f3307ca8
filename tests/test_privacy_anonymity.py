"""Anonymous means unlinkable (issue 15 #3): random references for every item, nothing finer than the day on
an anonymous item's rows, its outbox rows gone once delivered, form drafts gone on submission, no log line.

The linkage test files the same anonymous item in two worlds, once by each of two members who both filed
named items that day, at different times: the databases and the logs must be the same (the item's random id
and reference set aside), so nothing stored tells which member wrote it."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import lifespan
from bot.core.clock import SimClock
from bot.platforms.console.door import ConsoleDoor
from bot.services.feedback import parse_ref
from bot.settings import Settings
from bot.store import feedback as feedback_sql
from bot.store import members as member_sql
from bot.store.feedback import RANDOM_BASE, NewItem, format_ref
from tests.conftest import ConsoleSession
from tests.fakes import discord_payloads as p
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import app_for, door, door_settings

pytestmark = pytest.mark.random_refs
RANDOM_REF = re.compile(r"FB-[0-9A-Z]{4}")
START = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def test_references_are_random_looking_and_the_numbered_ones_stay_valid() -> None:
    for _ in range(200):
        item_id = feedback_sql.new_item_id()
        ref = format_ref(item_id)
        assert RANDOM_REF.fullmatch(ref) and not ref[3:].isdigit(), ref
        assert parse_ref(ref) == parse_ref(ref.lower()) == parse_ref("fb" + ref[3:]) == item_id
        assert parse_ref(ref[3:]) is None  # a bare four-letter word is never a reference
    assert parse_ref("FB-0042") == parse_ref("fb42") == parse_ref("42") == 42 and format_ref(42) == "FB-0042"
    assert parse_ref("FB-7Q3K") == parse_ref("fb-7q3k") == RANDOM_BASE + 7 * 32**3 + 23 * 32**2 + 3 * 32 + 19
    assert parse_ref("FB-7O3L") is None  # that is 7031, a number: not a random reference; "FB-7O3K" is
    assert parse_ref("FB-7O3K") == parse_ref("FB-703K") is not None
    for bad in ("FB-7Q3", "FB-7Q3KK", "FB-7U3K", "FB-", "mine", "slow", "FB-0", "1000042", "FB-7Q3K!"):
        assert parse_ref(bad) is None, bad


async def test_every_item_gets_a_random_reference_that_works_in_every_command(console: Any) -> None:
    async with console(user="admin") as session:
        session.door.langs["ana"] = "en"
        async with session.app.services.store.transaction() as db:  # an item filed before random references
            await db.execute("""INSERT INTO feedback_items (id, member_id, anonymous, source, category, module,
                                description, created_at, updated_at) VALUES (42, NULL, 1, 'quick', 'usability',
                                'other', 'an old item', '2026-01-05T00:00:00+00:00', '2026-01-05T00:00:00+00:00')""")
        named = await session.send(":join ana en", ":as ana", "/feedback the menu is confusing")
        anonymous = await session.send("/feedback anonymous search is slow")
        refs = [RANDOM_REF.search(text) for text in (named, anonymous)]
        assert all(refs), (named, anonymous)
        named_ref, anonymous_ref = (m.group(0) for m in refs if m)
        assert "the menu is confusing" in await session.send(f"/feedback status {named_ref.lower()}")
        assert "FB-0042" in await session.send(":as admin", "/feedback set FB-0042 planned")
        assert anonymous_ref in await session.send(f"/feedback set {anonymous_ref} done")
        listed = await session.send("/feedback list")
    assert listed.index(anonymous_ref) < listed.index("FB-0042")  # newest first, by filing day


async def test_anonymous_rows_keep_the_day_only_and_go_once_delivered(console: Any) -> None:
    async with console(user="ana") as session:
        services = session.app.services
        await session.send(":join ana en", ":advance 9h17m")
        async with services.store.transaction() as db:
            member = await member_sql.by_name(db, "console", "ana")
        assert member is not None
        new = NewItem(None, "quick", "usability", "other", None, "quiet words", None)
        item = await services.feedback.submit(new, member)
        named = await services.feedback.submit(NewItem(member.id, "quick", "usability", "other", None,
                                                                 "loud words", None), member)
        rows = await services.store.fetch_all(
            "SELECT id, idempotency_key, created_at, next_attempt_at, private FROM outbox WHERE idempotency_key "
            "LIKE 'feedback:%' ORDER BY idempotency_key")
        mine = [r for r in rows if r["idempotency_key"].startswith(f"feedback:{item.id}:")]
        assert mine and all(r["private"] == 1 and r["id"] < 0 for r in mine)
        assert all(r["created_at"].endswith("T00:00:00+00:00") and r["next_attempt_at"].endswith("T00:00:00+00:00")
                   for r in mine)
        stored = await services.store.fetch_all("SELECT created_at, updated_at FROM feedback_items WHERE id = ?",
                                                (item.id,))
        assert all(value.endswith("T00:00:00+00:00") for value in stored[0])
        await session.app.heartbeat.tick()
        keys = [r[0] for r in await services.store.fetch_all("SELECT idempotency_key FROM outbox")]
    assert not [k for k in keys if k.startswith(f"feedback:{item.id}:")]  # delivered, then forgotten
    assert [k for k in keys if k.startswith(f"feedback:{named.id}:")]  # a named post keeps its record


async def test_discord_keeps_no_draft_of_a_form_once_it_is_handed_in(tmp_path: Path) -> None:
    awa = p.user("900000000000008003", "Awa")
    fake = await FakeDiscord().start()
    try:
        async with app_for(door_settings(fake, tmp_path / "bot.db")) as (app, clock), door(app, clock):
            picker = (await fake.interact(p.slash(awa, "feedback")))["data"]
            module = next(c["custom_id"] for row in picker["components"] for c in row["components"]
                          if c["custom_id"].startswith("feedback.new|"))
            modal = (await fake.interact(p.press(awa, module)))["data"]
            category = modal["components"][0]["component"]["options"][0]["value"]
            bad = {"category": ["nope"], "rating": [], "description": "draft words", "steps": "", "anonymous": ["yes"]}
            errors = (await fake.interact(p.submit(awa, modal["custom_id"], bad)))["data"]
            reopen = errors["components"][0]["components"][0]["custom_id"]
            assert len(await app.services.store.fetch_all("SELECT hash FROM discord_forms")) == 2
            reopened = (await fake.interact(p.press(awa, reopen)))["data"]
            await fake.interact(p.submit(awa, reopened["custom_id"], {**bad, "category": [category]}))
            drafts = await app.services.store.fetch_all("SELECT * FROM discord_forms WHERE user_id = ?", (awa["id"],))
            progress = await app.services.store.fetch_all("SELECT * FROM discord_form_progress")
    finally:
        await fake.close()
    assert drafts == [] and progress == []  # neither the first copy nor the corrected one


# ---- the linkage test ------------------------------------------------------------------------------------

@asynccontextmanager
async def world(folder: Path) -> AsyncIterator[ConsoleSession]:
    settings = Settings(db_path=f"{folder}.db", console_files=f"{folder}-files")
    clock = SimClock(START)
    async with lifespan(settings=settings, clock=clock) as app:
        buffer = io.StringIO()
        session = ConsoleSession(ConsoleDoor(app, clock, buffer, "amadou", "fr", files=Path(f"{folder}-files")), buffer)
        await session.send(":join amadou fr", ":join binta en")
        yield session


async def file_day(folder: Path, anonymous_author: str) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Amadou files in the morning, Binta in the afternoon; `anonymous_author` also files the anonymous item
    five minutes after their named one. Returns every table's rows and the anonymous item's reference."""
    anonymous = "/feedback anonymous the claims page times out"
    async with world(folder) as session:
        said = await session.send(":as amadou", "/feedback le menu est confus", ":advance 5m")
        said += await session.send(anonymous if anonymous_author == "amadou" else "/help", ":advance 6h")
        said += await session.send(":as binta", "/feedback the search is hard to find", ":advance 5m")
        said += await session.send(anonymous if anonymous_author == "binta" else "/help", ":advance 1h")
        async with session.app.services.store.transaction() as db:
            items = await feedback_sql.search(db)
        placeholders = {}  # every item's random id and reference, named after its text
        for item in items:
            placeholders |= {item.ref: f"<ref of {item.description}>", str(item.id): f"<id of {item.description}>"}
        tables = await dump(session, placeholders)
    return tables, placeholders


async def dump(session: ConsoleSession, placeholders: dict[str, str]) -> dict[str, list[str]]:
    """Every row of every table as text, the random values replaced by placeholders, rows sorted."""
    store = session.app.services.store
    names = [r[0] for r in await store.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")]
    tables = {}
    for name in names:
        rows = [" | ".join(map(str, tuple(r))) for r in await store.fetch_all(f'SELECT * FROM "{name}"')]
        for value, placeholder in placeholders.items():
            rows = [row.replace(value, placeholder) for row in rows]
        tables[name] = sorted(rows)
    return tables


def messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    lines = [f"{r.name} {r.levelname} {r.getMessage()}" for r in caplog.records]
    caplog.clear()
    return lines


async def test_nothing_stored_or_logged_tells_which_member_filed_an_anonymous_item(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    by_amadou, random_a = await file_day(tmp_path / "amadou", "amadou")
    logs_a = messages(caplog)
    by_binta, random_b = await file_day(tmp_path / "binta", "binta")
    logs_b = messages(caplog)
    assert by_amadou["feedback_items"] and by_amadou["outbox"]  # the comparison has something to compare
    assert not [row for row in by_amadou["outbox"] if "times out" in row]  # its posts went once delivered
    for table in by_amadou:
        assert by_amadou[table] == by_binta[table], table
    # the logs too, once the random parts and the two databases' paths are set aside
    strip = [(str(tmp_path / "amadou"), "<dir>"), (str(tmp_path / "binta"), "<dir>"), *random_a.items(),
             *random_b.items()]
    for old, new in strip:
        logs_a, logs_b = [m.replace(old, new) for m in logs_a], [m.replace(old, new) for m in logs_b]
    assert logs_a == logs_b
    assert any("filed by member" in m for m in logs_a)  # the named items are logged, the anonymous one is not
